import { createHash } from "node:crypto";
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { isRoot } from "./debian-package.js";
import { chownTree, ensureSystemUser, userCanWrite } from "./system-user.js";

/** OpenSearch refuses to run as root; when we are root it runs as this unprivileged account. */
export const SEARCH_USER = "bookstore-search";

export interface NodeSettings {
  readonly httpPort: number;
  readonly transportPort: number;
  /** Keeps indices here across restarts; a fresh temporary folder when absent (tests). */
  readonly dataDir?: string;
}

export interface NodeDir {
  readonly dir: string;
  readonly config: string;
  readonly tmp: string;
  /** Whether the folder is thrown away when the node stops. */
  readonly ephemeral: boolean;
}

const yaml = (settings: Record<string, string | number | boolean>) =>
  Object.entries(settings).map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join("\n") + "\n";

/**
 * The node's own folder (config, data, logs, tmp), owned by the user it runs as, so one cached
 * installation serves any number of nodes. A requested folder the search user cannot reach
 * (a repository under root's private home) is replaced by a stable one under /var/lib.
 * Without a data folder the node gets a throwaway one in the temporary folder.
 */
const nodeFolder = (dataDir: string | undefined, httpPort: number): { dir: string; ephemeral: boolean } => {
  if (dataDir === undefined) {
    // One folder per port, emptied first: a run killed before its teardown leaves one behind at most.
    const dir = join(tmpdir(), `bookstore-opensearch-${httpPort}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { mode: 0o755 });
    return { dir, ephemeral: true };
  }
  const wanted = resolve(dataDir);
  mkdirSync(wanted, { recursive: true, mode: 0o755 });
  if (!isRoot()) return { dir: wanted, ephemeral: false };
  ensureSystemUser(SEARCH_USER);
  chownTree(wanted, SEARCH_USER);
  if (userCanWrite(SEARCH_USER, wanted)) return { dir: wanted, ephemeral: false };
  const key = createHash("sha256").update(wanted).digest("hex").slice(0, 12);
  const fallback = join("/var/lib", SEARCH_USER, `${basename(wanted)}-${key}`);
  mkdirSync(fallback, { recursive: true, mode: 0o755 });
  console.warn(`OpenSearch data: ${SEARCH_USER} cannot reach ${wanted}, using ${fallback}`);
  return { dir: fallback, ephemeral: false };
};

export const prepareNodeDir = (home: string, { httpPort, transportPort, dataDir }: NodeSettings): NodeDir => {
  const { dir, ephemeral } = nodeFolder(dataDir, httpPort);
  const config = join(dir, "config");
  const tmp = join(dir, "tmp");
  for (const sub of ["data", "logs", "tmp"]) mkdirSync(join(dir, sub), { recursive: true });
  cpSync(join(home, "config"), config, { recursive: true, force: true });
  // The stock jvm.options writes GC logs and heap dumps relative to the installation, which is not ours to write.
  const jvmOptions = readFileSync(join(config, "jvm.options"), "utf8")
    .replaceAll("logs/", `${join(dir, "logs")}/`)
    .replace("HeapDumpPath=data", `HeapDumpPath=${join(dir, "data")}`);
  writeFileSync(join(config, "jvm.options"), jvmOptions);
  writeFileSync(
    join(config, "opensearch.yml"),
    yaml({
      "cluster.name": "bookstore-local",
      "node.name": `bookstore-${httpPort}`,
      "network.host": "127.0.0.1",
      "http.port": httpPort,
      "transport.port": transportPort,
      "discovery.type": "single-node",
      "path.data": join(dir, "data"),
      "path.logs": join(dir, "logs"),
      // A nearly full disk on a developer machine must not turn the indices read-only.
      "cluster.routing.allocation.disk.threshold_enabled": false,
    }),
  );
  if (isRoot()) {
    ensureSystemUser(SEARCH_USER);
    chownTree(dir, SEARCH_USER);
  }
  return { dir, config, tmp, ephemeral };
};
