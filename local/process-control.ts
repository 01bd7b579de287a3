import type { ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { waitFor } from "./wait-for.js";

export const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
};

/** Guards against a stale pid file whose pid the system has since given to an unrelated process. */
export const commandLineOf = (pid: number): string | null => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch {
    return null;
  }
};

const signal = (pid: number, group: boolean, sig: NodeJS.Signals): void => {
  try {
    process.kill(group ? -pid : pid, sig);
  } catch {
    // already gone
  }
};

/**
 * Stops a process that is not (or no longer) our child: SIGTERM, then SIGKILL after `graceMs`.
 * `group` targets the whole process group of a detached server (a launcher and the JVM under it).
 */
export const stopPid = async (pid: number, { group, graceMs = 15_000 }: { group: boolean; graceMs?: number }): Promise<void> => {
  if (!isAlive(pid)) return;
  signal(pid, group, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(100);
  if (isAlive(pid)) signal(pid, group, "SIGKILL");
};

/** Waits for `promise` at most `ms`, without leaving a timer that keeps the process alive. */
const within = async (promise: Promise<void>, ms: number): Promise<void> => {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise<void>((done) => (timer = setTimeout(done, ms)))]);
  clearTimeout(timer);
};

export interface SupervisedProcess {
  readonly pid: number;
  stop(): Promise<void>;
}

export interface SuperviseOptions {
  readonly what: string;
  readonly ready: () => Promise<boolean>;
  readonly timeoutMs?: number;
  /** A detached server lives in its own process group and outlives this process. */
  readonly detached?: boolean;
  /** Where the server writes its output, named in the error when it dies while starting. */
  readonly logFile?: string;
}

/**
 * Waits until a freshly spawned server is ready and gives back how to stop it.
 * A server that dies while starting fails fast with the end of its output; one that never
 * becomes ready is killed, so a failed start leaves nothing running.
 */
export const superviseUntilReady = async (child: ChildProcess, options: SuperviseOptions): Promise<SupervisedProcess> => {
  const { what, ready, timeoutMs = 120_000, detached = false, logFile } = options;
  if (child.pid === undefined) throw new Error(`${what} could not be started`);
  const pid = child.pid;
  let output = "";
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000));
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  let spawnError: Error | null = null;
  child.once("error", (e) => (spawnError = e));
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  const stop = async () => {
    if (gone()) return;
    signal(pid, detached, "SIGTERM");
    await within(exited, 15_000);
    if (!gone()) signal(pid, detached, "SIGKILL");
    await within(exited, 2_000);
  };
  // A test run that ends without its teardown must not leave servers behind; a detached one is meant to stay.
  const onExit = () => signal(pid, false, "SIGTERM");
  if (!detached) process.once("exit", onExit);
  try {
    await waitFor(what, ready, timeoutMs, 250, () => {
      if (spawnError !== null) return spawnError;
      if (!gone()) return null;
      const where = logFile === undefined ? "" : ` (log: ${logFile})`;
      return new Error(`${what} exited while starting (code ${child.exitCode ?? child.signalCode})${where}\n${output}`);
    });
  } catch (e) {
    await stop();
    throw e;
  }
  if (detached) child.unref();
  return {
    pid,
    stop: async () => {
      process.off("exit", onExit);
      await stop();
    },
  };
};
