import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from "node:fs";
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
  if (existsSync(join(home, "bin", "opensearch"))) return { home, fetched: false };
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
  return { home, fetched: true };
};
