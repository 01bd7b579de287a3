import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ensureDebianPackage } from "./debian-package.js";
import { cacheRoot } from "./opensearch-install.js";

/** ElasticMQ, an SQS-compatible server, as Maven Central publishes it (for Scala 2.13). */
export const DEFAULT_ELASTICMQ_VERSION = "1.6.14";

export const elasticMqVersion = (): string => process.env.ELASTICMQ_VERSION ?? DEFAULT_ELASTICMQ_VERSION;

/** The installation: `lib/` holds the server's jar and every jar it runs on. */
export const elasticMqHome = (version: string = elasticMqVersion()): string => join(cacheRoot(), `elasticmq-${version}`);

/** Written last: a folder without it is an installation that did not finish. */
const READY = "installed";

/**
 * Maven Central has no runnable ElasticMQ (the one-jar build is published elsewhere), so its
 * runtime classpath is resolved from the server's POM with the machine's own Maven, as a
 * throwaway project that depends on it. Test-scoped dependencies are not copied.
 */
const pom = (version: string) => `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>bookstore.local</groupId>
  <artifactId>elasticmq-runtime</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.elasticmq</groupId>
      <artifactId>elasticmq-server_2.13</artifactId>
      <version>${version}</version>
    </dependency>
  </dependencies>
</project>
`;

/**
 * Makes sure ElasticMQ `version` is in the cache, fetched from Maven Central through Maven.
 * Safe when several processes provision at once: each fills its own folder and renames it.
 * @returns the installation folder and whether it had to be fetched
 */
export const provisionElasticMq = (version: string = elasticMqVersion()): { home: string; fetched: boolean } => {
  const home = elasticMqHome(version);
  if (existsSync(join(home, READY))) return { home, fetched: false };
  ensureDebianPackage("mvn", "maven");
  mkdirSync(cacheRoot(), { recursive: true, mode: 0o755 });
  const work = mkdtempSync(join(cacheRoot(), `.elasticmq-${version}-`));
  try {
    writeFileSync(join(work, "pom.xml"), pom(version));
    const out = spawnSync("mvn", ["-B", "-q", "dependency:copy-dependencies", "-DincludeScope=runtime", `-DoutputDirectory=${join(work, "lib")}`], {
      cwd: work,
      encoding: "utf8",
    });
    if (out.status !== 0) {
      throw new Error(`Fetching ElasticMQ ${version} from Maven Central failed (mvn exited ${out.status ?? out.signal}):\n${(out.stdout + out.stderr).slice(-3000)}`);
    }
    if (!readdirSync(join(work, "lib")).some((f) => f.startsWith("elasticmq-server_"))) throw new Error(`Maven fetched no ElasticMQ ${version} server jar`);
    rmSync(join(work, "pom.xml"));
    writeFileSync(join(work, READY), `${version}\n`);
    try {
      renameSync(work, home);
    } catch (e) {
      if (!existsSync(join(home, READY))) throw e;
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return { home, fetched: true };
};
