import { spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync } from "node:fs";
import { resolve } from "node:path";
import { Redis } from "ioredis";
import { ensureDebianPackage } from "./debian-package.js";
import { superviseUntilReady } from "./process-control.js";

export interface RedisOptions {
  readonly port: number;
  /** Where Redis keeps its snapshot and append-only file; nothing is written to disk when absent (tests). */
  readonly dataDir?: string;
  /** Keeps the server running after this process exits; its output goes to this file. */
  readonly detached?: { readonly logFile: string };
}

export interface RunningRedis {
  readonly url: string;
  /** The pid of the server this call started; absent when an already running server was reused. */
  readonly pid?: number;
  /** Stops the server if this call started it; a server that was already running is left alone. */
  stop(): Promise<void>;
}

export const redisAnswers = async (url: string): Promise<boolean> => {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on("error", () => {});
  try {
    await client.connect();
    return (await client.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
};

/** Installs `redis-server` from Debian's packages when it is missing. @returns whether it installed it */
export const ensureRedisServer = (): boolean => ensureDebianPackage("redis-server", "redis-server");

const persistence = (dataDir: string | undefined): string[] => {
  if (dataDir === undefined) return ["--save", "", "--appendonly", "no"];
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  // Append-only with an fsync a second, so stopping or crashing loses at most the last second.
  return ["--dir", dir, "--appendonly", "yes", "--appendfsync", "everysec"];
};

/** Starts a real `redis-server` on loopback unless something already answers PING on the port. */
export const startRedis = async ({ port, dataDir, detached }: RedisOptions): Promise<RunningRedis> => {
  const url = `redis://127.0.0.1:${port}`;
  if (await redisAnswers(url)) return { url, stop: async () => {} };
  ensureRedisServer();
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--daemonize", "no", ...persistence(dataDir)];
  const log = detached === undefined ? null : openSync(detached.logFile, "a");
  const child = spawn("redis-server", args, {
    detached: detached !== undefined,
    stdio: log === null ? ["ignore", "pipe", "pipe"] : ["ignore", log, log],
  });
  if (log !== null) closeSync(log);
  const server = await superviseUntilReady(child, {
    what: `Redis on port ${port}`,
    ready: () => redisAnswers(url),
    timeoutMs: 30_000,
    detached: detached !== undefined,
    ...(detached === undefined ? {} : { logFile: detached.logFile }),
  });
  return { url, pid: server.pid, stop: server.stop };
};
