import type { Either } from "fp-ts/lib/Either.js";
import type { DomainEvent, EventDecodeError, EventMeta, StoredEvent, StreamId } from "../events/index.js";

/** An event the caller wants appended; the store gives it its id, version and time. */
export type NewEvent = DomainEvent & { readonly meta: EventMeta };

export interface StreamAppend {
  readonly streamId: StreamId;
  /** The version the caller last saw: 0 for a stream that must not exist yet. */
  readonly expectedVersion: number;
  readonly events: readonly NewEvent[];
}

/**
 * A change to a counter item written in the same transaction as the events it summarises (a
 * book's stock levels, say): each attribute of `add` grows by its amount, and the transaction
 * is refused unless each attribute of `atLeast` is at least its value beforehand. The guard is
 * checked by DynamoDB when the transaction commits, so writers that each stay within it commute:
 * none of them needs to have seen the others' changes.
 */
export interface CounterChange {
  /** The counter's partition key, e.g. `stock#<bookId>`; the item must exist (`createCounter`). */
  readonly key: string;
  readonly add: Readonly<Record<string, number>>;
  readonly atLeast?: Readonly<Record<string, number>>;
}

/** A counter's attributes as stored. */
export type CounterValues = Readonly<Record<string, number>>;

export interface AppendOptions {
  /**
   * Makes the append idempotent: the id is written in the same transaction, and a second
   * append with it writes nothing and answers with the first result.
   */
  readonly command?: {
    readonly id: string;
    /** A fingerprint of the request, so the same id with a different request can be told apart. */
    readonly requestHash?: string;
    /** What the first call answered; returned as is to every repeat. */
    readonly result?: unknown;
  };
  /** Counter changes made atomically with the events (see `CounterChange`). */
  readonly counters?: readonly CounterChange[];
  /** Told each time the store sends a transaction again because DynamoDB cancelled it for overlapping another. */
  readonly onTransactionConflict?: () => void;
}

export interface AppendResult {
  readonly kind: "Appended";
  /** The new version of each stream, keyed by stream id. */
  readonly versions: Readonly<Record<string, number>>;
  readonly events: readonly StoredEvent[];
}

export interface DuplicateCommand {
  readonly kind: "DuplicateCommand";
  readonly commandId: string;
  readonly requestHash?: string;
  readonly result?: unknown;
  /** The stream versions the first call left behind, as its `AppendResult.versions` said. */
  readonly versions: Readonly<Record<string, number>>;
  /** When the first call was recorded (ISO time). */
  readonly recordedAt: string;
}

export type AppendOutcome = AppendResult | DuplicateCommand;

export interface ConcurrencyError {
  readonly kind: "ConcurrencyError";
  /** The streams whose expected version was stale (DynamoDB names the failing items). */
  readonly streams: readonly { readonly streamId: StreamId; readonly expectedVersion: number }[];
  /** The counters whose guard no longer held, with their values at that moment when DynamoDB said them. */
  readonly counters?: readonly { readonly key: string; readonly current?: CounterValues }[];
}
export interface TooManyItems {
  readonly kind: "TooManyItems";
  readonly items: number;
  readonly limit: number;
  readonly message: string;
}
export interface ItemTooLarge {
  readonly kind: "ItemTooLarge";
  /** The partition key of the item that would be too large: a stream id or `command#<id>`. */
  readonly pk: string;
  /** What the item holds, e.g. `BookAdded event` or `idempotency record`. */
  readonly what: string;
  readonly bytes: number;
  readonly limit: number;
  readonly message: string;
}
/** All items of one transaction together may not exceed 4 MB, each within its own 400 KB. */
export interface TransactionTooLarge {
  readonly kind: "TransactionTooLarge";
  readonly bytes: number;
  readonly limit: number;
  readonly message: string;
}
export type AppendError = ConcurrencyError | TooManyItems | ItemTooLarge | TransactionTooLarge;

/**
 * How a caller should treat each of the store's refusals: someone else wrote first (try again),
 * the change is too large to store, or a stored item no longer reads (a fault of ours).
 */
export const storeErrorKinds: Readonly<Record<AppendError["kind"] | StoredItemDecodeError["kind"], { readonly class: "concurrency" | "too-large" | "fault" }>> = {
  ConcurrencyError: { class: "concurrency" },
  TooManyItems: { class: "too-large" },
  ItemTooLarge: { class: "too-large" },
  TransactionTooLarge: { class: "too-large" },
  StoredItemDecodeError: { class: "fault" },
};

export interface StoredItemDecodeError {
  readonly kind: "StoredItemDecodeError";
  readonly pk: string;
  readonly sk: number | string;
  readonly reason: string;
  readonly cause?: EventDecodeError;
}

export interface ReadStreamOptions {
  /** The first version to return (default 1). */
  readonly fromVersion?: number;
  /** Events per DynamoDB page; the store follows `LastEvaluatedKey` until the stream ends. */
  readonly pageSize?: number;
}

export interface ReadAllOptions {
  /** Inclusive lower bound: an ISO time or a ULID. */
  readonly from?: string;
  /** Exclusive upper bound: an ISO time or a ULID. */
  readonly to?: string;
  /** Items per index page and shard; at most one page per shard is held in memory. */
  readonly pageSize?: number;
}

export type ReadResult = Either<StoredItemDecodeError, StoredEvent>;

export interface LoadedStream {
  readonly events: readonly StoredEvent[];
  /** The version of the last event read; `fromVersion - 1` when there was none. */
  readonly version: number;
}

export interface EventStore {
  /** Appends to one or more streams in one transaction: all or nothing. */
  append(streams: readonly StreamAppend[], options?: AppendOptions): Promise<Either<AppendError, AppendOutcome>>;
  /** A stream's events in version order, one DynamoDB page at a time (consistent reads). */
  readStream(streamId: StreamId, options?: ReadStreamOptions): AsyncIterable<ReadResult>;
  /** The whole stream (or its tail from `fromVersion`) in memory; the first undecodable item fails it. */
  loadStream(streamId: StreamId, fromVersion?: number): Promise<Either<StoredItemDecodeError, LoadedStream>>;
  /** The newest version of a stream, 0 when it has no events; one consistent read of one item. */
  streamVersion(streamId: StreamId): Promise<number>;
  /**
   * Every event in eventId (ULID) order, from the time-bucket index. The index is eventually
   * consistent: events appended in the last moments may not be there yet.
   */
  readAll(options?: ReadAllOptions): AsyncIterable<ReadResult>;
  /** The record of a command id that already ran, so a repeat can answer as the first did. */
  findCommand(commandId: string): Promise<DuplicateCommand | undefined>;
  /** Counter items by key (consistent reads); a counter never created is left out. */
  readCounters(keys: readonly string[]): Promise<Map<string, CounterValues>>;
  /** Creates a counter with its first values unless it exists; true when this call created it. */
  createCounter(key: string, values: CounterValues): Promise<boolean>;
}
