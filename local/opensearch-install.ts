import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { ensureDebianPackage, isRoot } from "./debian-package.js";

/** The newest OpenSearch 2.x on Maven Central; it runs on the Java 17 these machines have. */
export const DEFAULT_OPENSEARCH_VERSION = "2.19.6";

export const openSearchVersion = (): string => process.env.OPENSEARCH_VERSION ?? DEFAULT_OPENSEARCH_VERSION;

/**
 * Downloads are cached outside the repository, shared by every clone. Root's home is private
 * (mode 700) and OpenSearch runs as an unprivileged user that must read the installation,
 * so root caches under /var/cache instead.
 */
export const cacheRoot = (): string => {
  if (process.env.BOOKSTORE_CACHE_DIR !== undefined) return process.env.BOOKSTORE_CACHE_DIR;
  if (isRoot()) return "/var/cache/bookstore";
  return join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "bookstore");
};

export const openSearchHome = (version: string = openSearchVersion()): string => join(cacheRoot(), `opensearch-${version}`);

const run = (what: string, command: string, args: string[], cwd: string): void => {
  const out = spawnSync(command, args, { cwd, encoding: "utf8" });
  if (out.status !== 0) throw new Error(`${what} failed (${command} exited ${out.status ?? out.signal}):\n${(out.stdout + out.stderr).slice(-3000)}`);
};

/**
 * Makes sure OpenSearch `version` is unpacked in the cache, fetching the integ-test zip (the
 * distribution without the security plugin) from Maven Central through the machine's own Maven.
 * Safe when several processes provision at once: each unpacks into its own folder and renames it.
 * @returns the installation folder and whether it had to be fetched
 */
export const provisionOpenSearch = (version: string = openSearchVersion()): { home: string; fetched: boolean } => {
  const home = openSearchHome(version);
  if (existsSync(join(home, "bin", "opensearch"))) return { home, fetched: provisionAnalysisCommon(home, version) };
  ensureDebianPackage("mvn", "maven");
  ensureDebianPackage("unzip", "unzip");
  mkdirSync(cacheRoot(), { recursive: true, mode: 0o755 });
  const work = mkdtempSync(join(cacheRoot(), `.opensearch-${version}-`));
  try {
    const artifact = `org.opensearch.distribution.integ-test-zip:opensearch:${version}:zip`;
    run(`Fetching OpenSearch ${version} from Maven Central`, "mvn", ["-B", "-q", "dependency:copy", `-Dartifact=${artifact}`, `-DoutputDirectory=${work}`], work);
    run(`Unpacking OpenSearch ${version}`, "unzip", ["-q", join(work, `opensearch-${version}.zip`), "-d", work], work);
    try {
      renameSync(join(work, `opensearch-${version}`), home);
    } catch (e) {
      if (!existsSync(join(home, "bin", "opensearch"))) throw e;
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  provisionAnalysisCommon(home, version);
  return { home, fetched: true };
};

/**
 * The `analysis-common` module: the language analysers (`english`), stemmers, `edge_ngram` and the
 * rest of what Amazon OpenSearch Service has built in, which the integ-test zip leaves out. Maven
 * Central publishes the module's jar alone, so its plugin descriptor is written here, as the full
 * distribution ships it but with no `lang-painless` to extend: the painless extension the jar
 * also carries (analysis predicates in scripts) is loaded only by painless, which is not here.
 * @returns whether it had to be fetched
 */
export const provisionAnalysisCommon = (home: string, version: string): boolean => {
  const folder = join(home, "modules", "analysis-common");
  if (existsSync(join(folder, "plugin-descriptor.properties"))) return false;
  const work = mkdtempSync(join(home, "modules", ".analysis-common-"));
  try {
    const artifact = `org.opensearch.plugin:analysis-common:${version}:jar`;
    run(`Fetching OpenSearch's analysis-common ${version} from Maven Central`, "mvn", ["-B", "-q", "dependency:copy", `-Dartifact=${artifact}`, `-DoutputDirectory=${work}`], work);
    writeFileSync(
      join(work, "plugin-descriptor.properties"),
      [
        'description=Adds "built in" analyzers to OpenSearch.',
        `version=${version}`,
        "name=analysis-common",
        "classname=org.opensearch.analysis.common.CommonAnalysisPlugin",
        "java.version=11",
        `opensearch.version=${version}`,
        "custom.foldername=",
        "extended.plugins=",
        "has.native.controller=false",
        "",
      ].join("\n"),
    );
    // OpenSearch runs as an unprivileged user: it must read the module.
    chmodSync(work, 0o755);
    for (const file of readdirSync(work)) chmodSync(join(work, file), 0o644);
    try {
      renameSync(work, folder);
    } catch (e) {
      if (!existsSync(join(folder, "plugin-descriptor.properties"))) throw e;
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return true;
};
