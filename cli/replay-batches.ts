import { isLeft } from "fp-ts/lib/Either.js";
import type { StoredEvent } from "../events/index.js";
import type { EventStore, ReadResult } from "../store/index.js";

/** A replay's unit of work: the wanted events of a stretch of history, and how far it reached. */
export interface ReplayBatch {
  readonly events: StoredEvent[];
  /** The last event id read, matching or not: the checkpoint moves past filtered-out events too. */
  readonly upTo?: string;
  readonly scanned: number;
  readonly undecodable: number;
  /**
   * Nothing was read after `upTo` (the batch did not end on an undecodable item): a read that
   * goes on after `upTo` counts nothing of this batch twice.
   */
  readonly endsAtUpTo: boolean;
}

/** What a replay reads: `readAll`'s range, the event types it applies, and where it resumes. */
export interface ReplayRead {
  readonly from?: string;
  readonly to?: string;
  readonly wanted: readonly string[];
  /** Events up to and including this id were applied before: they are skipped, not counted. */
  readonly after?: string;
  readonly batchSize: number;
}

/** Where a replay's batches come from: this thread, or a reader thread beside it. */
export type ReplayReader = (read: ReplayRead) => AsyncIterable<ReplayBatch>;

/**
 * Reads `readAll` in ULID order into batches of the wanted event types. Memory stays
 * constant: a batch is at most `batchSize` events, and at most `10 × batchSize` events are
 * read into one, so a long run of other types still moves the checkpoint on.
 */
export async function* replayBatches(source: AsyncIterable<ReadResult>, read: ReplayRead): AsyncGenerator<ReplayBatch> {
  const wanted = new Set(read.wanted);
  const { after, batchSize } = read;
  const empty = (): { events: StoredEvent[]; upTo?: string; scanned: number; undecodable: number; endsAtUpTo: boolean } => ({ events: [], scanned: 0, undecodable: 0, endsAtUpTo: false });
  let batch = empty();
  for await (const result of source) {
    if (isLeft(result)) {
      batch.undecodable += 1;
      batch.scanned += 1;
      batch.endsAtUpTo = false;
    } else {
      const event = result.right;
      if (after !== undefined && event.eventId <= after) continue;
      batch.scanned += 1;
      batch.upTo = event.eventId;
      batch.endsAtUpTo = true;
      if (wanted.has(event.type)) batch.events.push(event);
    }
    if (batch.events.length >= batchSize || batch.scanned >= batchSize * 10) {
      yield batch;
      batch = empty();
    }
  }
  if (batch.scanned > 0) yield batch;
}

/** `readAll`'s range for a replay: from its resume point when it has one. */
export const readAllRange = (read: ReplayRead) => {
  const from = read.after ?? read.from;
  return { ...(from === undefined ? {} : { from }), ...(read.to === undefined ? {} : { to: read.to }) };
};

/** Batches read and decoded in the replay's own thread. */
export const readInThisThread =
  (store: EventStore): ReplayReader =>
  (read) =>
    replayBatches(store.readAll(readAllRange(read)), read);
