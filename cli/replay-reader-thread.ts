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
  /** Batches the thread may send before the replay takes the first of them. */
  readonly ahead: number;
}

/** To the reader thread: a read to do, one "next" for each of its batches taken, or its cancelling. */
export type ToReaderThread =
  | { readonly kind: "read"; readonly id: number; readonly read: ReplayRead }
  | { readonly kind: "next"; readonly id: number }
  | { readonly kind: "cancel"; readonly id: number };

/** From the reader thread: ready once it can read, then each read's batches and how it ended. */
export type ReaderThreadMessage =
  | { readonly kind: "ready" }
  | { readonly kind: "batch"; readonly id: number; readonly batch: ReplayBatch }
  | { readonly kind: "end"; readonly id: number }
  | { readonly kind: "failed"; readonly id: number; readonly name: string; readonly message: string; readonly stack?: string };

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

/** A reader thread, started: whether it can read yet, the batches of one read at a time, and its end. */
const startReaderThread = (target: EventStoreTarget, ahead: number) => {
  const data: ReaderThreadData = { target, ahead };
  const worker = new Worker(new URL("./replay-reader-worker.mjs", import.meta.url), { workerData: data, resourceLimits: { maxYoungGenerationSizeMb: READER_YOUNG_GENERATION_MB } });
  // Idle, it must not keep the process alive; reading, it must.
  worker.unref();
  const tell = (message: ToReaderThread) => worker.postMessage(message);
  const inbox: Exclude<ReaderThreadMessage, { kind: "ready" }>[] = [];
  let ready = false;
  let busy = false;
  let exited: Error | undefined;
  let wake: (() => void) | undefined;
  const arrived = () => {
    wake?.();
    wake = undefined;
  };
  worker.on("message", (message: ReaderThreadMessage) => {
    if (message.kind === "ready") ready = true;
    else inbox.push(message);
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
  return {
    isReady: () => ready,
    /** Taken by a read, or gone: another read cannot have it. */
    isTaken: () => busy || exited !== undefined,
    take: () => {
      busy = true;
      worker.ref();
    },
    release: () => {
      busy = false;
      worker.unref();
    },
    /** The batches of one read; a read stopped early is cancelled. */
    async *batches(id: number, read: ReplayRead): AsyncGenerator<ReplayBatch> {
      let done = false;
      try {
        tell({ kind: "read", id, read });
        for (;;) {
          const message = inbox.shift();
          if (message === undefined) {
            if (exited !== undefined) throw exited;
            await new Promise<void>((resolve) => (wake = resolve));
            continue;
          }
          // What a cancelled read sent before it saw the cancel.
          if (message.id !== id) continue;
          if (message.kind === "end") {
            done = true;
            return;
          }
          if (message.kind === "failed") {
            done = true;
            throw failureOf(message);
          }
          yield message.batch;
          tell({ kind: "next", id });
        }
      } finally {
        if (!done && exited === undefined) tell({ kind: "cancel", id });
      }
    },
    stop: () => worker.terminate(),
  };
};

export interface ReaderThreadOptions {
  /** Batches the thread may read ahead of the replay. */
  readonly ahead?: number;
  /**
   * Reads in the replay's own thread until the reader thread has started (it loads the SDK and
   * the event catalogue: about 0.3 s), which then goes on after the last of these batches.
   */
  readonly meanwhile?: ReplayReader;
}

/** A reader that keeps its thread between reads: `close` ends it. */
export type ReaderThreadReader = ReplayReader & {
  /** Threads started so far: one, unless a read came while another was under way, or a thread failed. */
  threadsStarted(): number;
  close(): Promise<void>;
};

/**
 * Batches read in a thread of their own. A replay in one thread spends most of its time
 * reading (the SDK's parsing of each page, then decoding each item) and the rest applying, one
 * after the other; with the reading in a second thread the two run at once, on two cores. The
 * thread runs at most `ahead` batches ahead of the replay, so memory stays bounded; a replay
 * that stops early cancels its read.
 *
 * The thread is kept for the next read (a rebuild reads several times), idle without keeping
 * the process alive: a new thread costs about 0.3 s to start, and its first reads are slower
 * while V8 compiles its code. A read that comes while another is under way gets a thread of its own.
 */
export const readInReaderThread = (target: EventStoreTarget, { ahead = 2, meanwhile }: ReaderThreadOptions = {}): ReaderThreadReader => {
  const threads: ReturnType<typeof startReaderThread>[] = [];
  let started = 0;
  let reads = 0;
  const reader: ReplayReader = (read) => ({
    async *[Symbol.asyncIterator]() {
      let thread = threads.find((t) => !t.isTaken());
      if (thread === undefined) {
        thread = startReaderThread(target, ahead);
        threads.push(thread);
        started += 1;
      }
      const id = ++reads;
      thread.take();
      try {
        let rest = read;
        if (meanwhile !== undefined && !thread.isReady()) {
          // This thread reads until the reader thread is ready; it hands over after a batch that
          // ends on an event, so that the thread's read, after that event, counts nothing twice.
          let handedOverAfter: string | undefined;
          for await (const batch of meanwhile(read)) {
            yield batch;
            if (thread.isReady() && batch.endsAtUpTo && batch.upTo !== undefined) {
              handedOverAfter = batch.upTo;
              break;
            }
          }
          if (handedOverAfter === undefined) return;
          rest = { ...read, after: handedOverAfter };
        }
        yield* thread.batches(id, rest);
      } finally {
        thread.release();
      }
    },
  });
  return Object.assign(reader, {
    threadsStarted: () => started,
    close: async () => {
      await Promise.all(threads.splice(0).map((t) => t.stop()));
    },
  });
};
