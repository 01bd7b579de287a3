import { setTimeout as sleep } from "node:timers/promises";

/** Says the answer may be older than the version the client asked for. */
export const STALE_HEADER = "x-read-model-stale";

export interface Catching {
  /** How long a query waits for its read model, at most. */
  readonly timeoutMs: number;
  readonly intervalMs: number;
}
const defaults: Catching = { timeoutMs: 2000, intervalMs: 50 };

export interface Read<A> {
  readonly value: A;
  /** The read model had not reached `minVersion` when the wait ran out. */
  readonly stale: boolean;
}

/**
 * Read-your-writes: a command answered with the stream version it wrote, and the client asks
 * for at least that version. The projection runs behind the stream, so read again until it has
 * caught up, for a bounded time; then answer what there is, flagged stale.
 */
export const readAtLeast = async <A>(
  read: () => Promise<A>,
  versionOf: (value: A) => number,
  minVersion: number | undefined,
  catching: Catching = defaults,
): Promise<Read<A>> => {
  const deadline = Date.now() + catching.timeoutMs;
  for (;;) {
    const value = await read();
    if (minVersion === undefined || versionOf(value) >= minVersion) return { value, stale: false };
    if (Date.now() + catching.intervalMs > deadline) return { value, stale: true };
    await sleep(catching.intervalMs);
  }
};

/** The header as the OpenAPI document describes it, for the routes that read at a minimum version. */
export const staleResponseHeaders = {
  [STALE_HEADER]: {
    description: "Present (`true`) when the read model had not reached `minVersion` within the wait: the answer is older than the write the client asked for.",
    schema: { type: "string", enum: ["true"] },
  },
} as const;

export const staleHeaders = (stale: boolean): Record<string, string> | undefined => (stale ? { [STALE_HEADER]: "true" } : undefined);
