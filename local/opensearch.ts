import { spawn } from "node:child_process";
import { closeSync, openSync, rmSync } from "node:fs";
import { join } from "node:path";
import { Client } from "@opensearch-project/opensearch";
import { isRoot } from "./debian-package.js";
import { javaHome, requireJava } from "./java.js";
import { prepareNodeDir, SEARCH_USER } from "./opensearch-node.js";
import { openSearchVersion, provisionOpenSearch } from "./opensearch-install.js";
import { superviseUntilReady } from "./process-control.js";
import { waitFor } from "./wait-for.js";

export interface OpenSearchOptions {
  readonly port: number;
  /** Node-to-node port; only bound on loopback. Defaults to `port + 100`. */
  readonly transportPort?: number;
  /** Where the indices live; a temporary folder removed on stop when absent (tests). */
  readonly dataDir?: string;
  /** JVM heap, e.g. "512m". */
  readonly heap?: string;
  /** Keeps the node running after this process exits; its output goes to this file. */
  readonly detached?: { readonly logFile: string };
}

export interface RunningOpenSearch {
  readonly url: string;
  readonly version: string;
  /** The pid of the launcher this call started; absent when an already running node was reused. */
  readonly pid?: number;
  /** Stops the node if this call started it; a node that was already running is left alone. */
  stop(): Promise<void>;
}

const probeClient = (url: string) => new Client({ node: url, requestTimeout: 2000, maxRetries: 0 });

/** The version of the OpenSearch answering at `url`, or null when nothing (or something else) answers. */
export const openSearchVersionAt = async (url: string): Promise<string | null> => {
  const client = probeClient(url);
  try {
    const { body } = await client.info();
    return body.version.distribution === "opensearch" ? body.version.number : null;
  } catch {
    return null;
  } finally {
    await client.close();
  }
};

export const openSearchHealthy = async (url: string): Promise<boolean> => {
  const client = probeClient(url);
  try {
    const { body } = await client.cluster.health({ wait_for_status: "yellow", timeout: "1s" });
    return body.status === "yellow" || body.status === "green";
  } catch {
    return false;
  } finally {
    await client.close();
  }
};

const readyVersion = async (url: string): Promise<string> => {
  const version = await openSearchVersionAt(url);
  if (version === null) throw new Error(`OpenSearch at ${url} stopped answering`);
  return version;
};

/**
 * Starts a real single-node OpenSearch on loopback from the cached Maven Central distribution
 * (fetched on first use), unless a node already answers on the port. Ready means cluster health
 * yellow or green.
 */
export const startOpenSearch = async ({ port, transportPort = port + 100, dataDir, heap = "512m", detached }: OpenSearchOptions): Promise<RunningOpenSearch> => {
  const url = `http://127.0.0.1:${port}`;
  if ((await openSearchVersionAt(url)) !== null) {
    await waitFor(`OpenSearch on port ${port} (cluster health)`, () => openSearchHealthy(url), 120_000, 500);
    return { url, version: await readyVersion(url), stop: async () => {} };
  }
  requireJava("OpenSearch");
  const { home } = provisionOpenSearch(openSearchVersion());
  const node = prepareNodeDir(home, { httpPort: port, transportPort, ...(dataDir === undefined ? {} : { dataDir }) });
  const launcher = join(home, "bin", "opensearch");
  const [command, args] = isRoot() ? ["runuser", ["-u", SEARCH_USER, "--", launcher]] : [launcher, []];
  const log = detached === undefined ? null : openSync(detached.logFile, "a");
  const child = spawn(command, args, {
    cwd: node.dir,
    detached: detached !== undefined,
    stdio: log === null ? ["ignore", "pipe", "pipe"] : ["ignore", log, log],
    env: {
      ...process.env,
      OPENSEARCH_JAVA_HOME: javaHome(),
      OPENSEARCH_PATH_CONF: node.config,
      OPENSEARCH_TMPDIR: node.tmp,
      OPENSEARCH_JAVA_OPTS: `-Xms${heap} -Xmx${heap}`,
    },
  });
  if (log !== null) closeSync(log);
  const removeEphemeral = () => {
    if (node.ephemeral) rmSync(node.dir, { recursive: true, force: true });
  };
  let server;
  try {
    server = await superviseUntilReady(child, {
      what: `OpenSearch on port ${port}`,
      ready: () => openSearchHealthy(url),
      timeoutMs: 240_000,
      detached: detached !== undefined,
      ...(detached === undefined ? {} : { logFile: detached.logFile }),
    });
  } catch (e) {
    removeEphemeral();
    throw e;
  }
  const { stop } = server;
  return {
    url,
    version: await readyVersion(url),
    pid: server.pid,
    stop: async () => {
      await stop();
      removeEphemeral();
    },
  };
};
