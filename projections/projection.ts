import type { EventType, StoredEvent } from "../events/index.js";
import type { QueueKey } from "./queues.js";

/** How the event source mapping (in AWS) and the local poller feed a projection. */
export interface BatchSettings {
  readonly batchSize: number;
  readonly maximumBatchingWindowSeconds: number;
  /** Retries of a failing record before it goes to the dead letters. */
  readonly maximumRetryAttempts: number;
  readonly bisectBatchOnFunctionError: boolean;
  readonly parallelizationFactor: number;
}

/**
 * Where a stream consumer writes besides the views table: the search index, Redis, the
 * integration bus, the registry's message queues (`queues.ts`), or (for a process that acts on
 * events through the command side) the events.
 */
export type ReadModelStore = "search" | "cache" | "bus" | "queue" | "events";

/** The stores that reach other systems: what goes there cannot be taken back, so a projection writing one is never rebuilt. */
export const sendsOut = (projection: Pick<Projection, "stores">): boolean => (projection.stores ?? []).some((s) => s === "bus" || s === "queue");

/**
 * One read model. `apply` must be idempotent per event and check each stream's version
 * itself: delivery is at-least-once and ordered per item only. Throwing fails the batch from
 * the first event not yet applied, which is then retried.
 */
export interface Projection<P = unknown> {
  readonly name: string;
  /** Bump it when the read model's shape changes: the model is then rebuilt by replay. */
  readonly version: number;
  readonly eventTypes: readonly EventType[];
  readonly batch: BatchSettings;
  /** Makes the read model's storage ready (an index with its mappings, say); safe to repeat. */
  prepare?(ports: P): Promise<void>;
  /** Read models it writes besides the views table (the infrastructure links only these); absent: views only. */
  readonly stores?: readonly ReadModelStore[];
  /** With the `queue` store: the queues of the registry it sends to (only those are granted to it). */
  readonly queues?: readonly QueueKey[];
  /**
   * What it writes, as the keys generation 0 uses: partition-key prefixes in the views table,
   * glob patterns in Redis. A rebuild drops the old generation by them.
   */
  readonly keys?: { readonly views?: readonly string[]; readonly redis?: readonly string[] };
  apply(events: readonly StoredEvent[], ports: P): Promise<void>;
}

export const defaultBatch: BatchSettings = {
  batchSize: 100,
  // No wait for a fuller batch: a read model should show a write as soon as it can.
  maximumBatchingWindowSeconds: 0,
  maximumRetryAttempts: 5,
  bisectBatchOnFunctionError: true,
  parallelizationFactor: 1,
};

/** An EventBridge-style pattern over a stream record, as Lambda's filter criteria take it. */
export type FilterPattern = { readonly [key: string]: FilterPattern | readonly string[] };

/**
 * The one definition of which stream records reach a projection: event items (not commands,
 * snapshots or buckets) of the types it handles. SST and the local poller both use it.
 */
export const filterCriteria = (projection: Pick<Projection, "eventTypes">): FilterPattern => ({
  dynamodb: { NewImage: { kind: { S: ["event"] }, type: { S: [...projection.eventTypes] } } },
});

/** Evaluates a pattern of exact string matches, the subset of filter syntax `filterCriteria` uses. */
export const matchesPattern = (pattern: FilterPattern, value: unknown): boolean =>
  Object.entries(pattern).every(([key, expected]) => {
    const actual = typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined;
    return Array.isArray(expected) ? typeof actual === "string" && expected.includes(actual) : matchesPattern(expected as FilterPattern, actual);
  });
