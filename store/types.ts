import type { DomainEvent, EventDecodeError, EventMeta, StoredEvent, StreamId } from "../events/index.js";

/** An event the caller wants appended; the store gives it its id, version and time. */
export type NewEvent = DomainEvent & { readonly meta: EventMeta };

export interface StreamAppend {
  readonly streamId: StreamId;
  /** The version the caller last saw: 0 for a stream that must not exist yet. */
  readonly expectedVersion: number;
  readonly events: readonly NewEvent[];
}

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
}

export type AppendOutcome = AppendResult | DuplicateCommand;

export interface ConcurrencyError {
  readonly kind: "ConcurrencyError";
  /** The streams whose expected version was stale (DynamoDB names the failing items). */
  readonly streams: readonly { readonly streamId: StreamId; readonly expectedVersion: number }[];
}
export interface TooManyItems {
  readonly kind: "TooManyItems";
  readonly items: number;
  readonly limit: number;
  readonly message: string;
}
export interface ItemTooLarge {
  readonly kind: "ItemTooLarge";
  readonly streamId: StreamId;
  readonly type: string;
  readonly bytes: number;
  readonly limit: number;
  readonly message: string;
}
export type AppendError = ConcurrencyError | TooManyItems | ItemTooLarge;

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
}
