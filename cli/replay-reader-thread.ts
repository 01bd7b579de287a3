import { Worker } from "node:worker_threads";
import type { ReplayBatch, ReplayReader, ReplayRead } from "./replay-batches.js";

/** Where a reader thread finds the event store: what it needs to make its own client. */
export interface EventStoreTarget {
  /** Unset: AWS's own configuration; set: a local DynamoDB. */
  readonly dynamoDbEndpoint?: string;
  readonly eventsTable: string;
}

export interface ReaderThreadData {
  readonly target: EventStoreTarget;
  readonly read: ReplayRead;
  /** Batches the thread may send before the replay takes the first of them. */
  readonly ahead: number;
}

/** From the reader thread; the replay answers each batch it takes with one message of its own. */
export type ReaderThreadMessage =
  | { readonly kind: "batch"; readonly batch: ReplayBatch }
  | { readonly kind: "end" }
  | { readonly kind: "failed"; readonly name: string; readonly message: string; readonly stack?: string };

/** The reader's failure as this thread's error: its name and message are what callers show. */
const failureOf = (message: Extract<ReaderThreadMessage, { kind: "failed" }>) =>
  Object.assign(new Error(message.message), { name: message.name, ...(message.stack === undefined ? {} : { stack: message.stack }) });

/**
 * The reader's young generation. Its pages and batches live for a few batches' time, long
 * enough to outlive V8's default young generation and be promoted, so the old generation's
 * collector did a good part of the reading's work; with room for them they die young. It
 * took the CPU of a replay from 33 to 30 µs per event in this process; more room gained nothing.
 */
const READER_YOUNG_GENERATION_MB = 96;

/**
 * Batches read in a thread of their own. A replay in one thread spends most of its time
 * reading (the SDK's parsing of each page, then decoding each item) and the rest applying, one
 * after the other; with the reading in a second thread the two run at once, on two cores. The
 * thread runs at most `ahead` batches ahead of the replay, so memory stays bounded; a replay
 * that stops early ends the thread.
 */
export const readInReaderThread =
  (target: EventStoreTarget, ahead = 2): ReplayReader =>
  (read) => ({
    async *[Symbol.asyncIterator]() {
      const data: ReaderThreadData = { target, read, ahead };
      const worker = new Worker(new URL("./replay-reader-worker.mjs", import.meta.url), { workerData: data, resourceLimits: { maxYoungGenerationSizeMb: READER_YOUNG_GENERATION_MB } });
      const inbox: ReaderThreadMessage[] = [];
      let exited: Error | undefined;
      let wake: (() => void) | undefined;
      const arrived = () => {
        wake?.();
        wake = undefined;
      };
      worker.on("message", (message: ReaderThreadMessage) => {
        inbox.push(message);
        arrived();
      });
      worker.on("error", (error) => {
        exited ??= error;
        arrived();
      });
      worker.on("exit", (code) => {
        exited ??= new Error(`the replay's reader thread ended (exit code ${code}) before the end of its read`);
        arrived();
      });
      try {
        for (;;) {
          const message = inbox.shift();
          if (message === undefined) {
            if (exited !== undefined) throw exited;
            await new Promise<void>((resolve) => (wake = resolve));
            continue;
          }
          if (message.kind === "end") return;
          if (message.kind === "failed") throw failureOf(message);
          yield message.batch;
          worker.postMessage("next");
        }
      } finally {
        await worker.terminate();
      }
    },
  });
