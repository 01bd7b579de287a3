import { parentPort, workerData } from "node:worker_threads";
import { createEventStore, dynamoDbClientFor } from "../store/index.js";
import { readAllRange, replayBatches } from "./replay-batches.js";
import type { ReaderThreadData, ReaderThreadMessage, ToReaderThread } from "./replay-reader-thread.js";

// The reader thread of `readInReaderThread`: says it is ready, then does one read at a time,
// in the order asked, sending a batch each time the replay has taken one (`ahead` at first),
// until the read ends or is cancelled.
const port = parentPort;
if (port === null) throw new Error("replay-reader-worker runs as a worker thread");
const { target, ahead } = workerData as ReaderThreadData;
const send = (message: ReaderThreadMessage) => port.postMessage(message);

/** The read under way: batches it may still send. */
interface Reading {
  readonly id: number;
  credits: number;
  wake?: () => void;
}

const asked: Extract<ToReaderThread, { kind: "read" }>[] = [];
let wakeIdle: (() => void) | undefined;
let current: Reading | undefined;
/** Reads the replay stopped taking: the one under way, or one not begun yet. */
const cancelled = new Set<number>();
port.on("message", (message: ToReaderThread) => {
  if (message.kind === "read") {
    asked.push(message);
    wakeIdle?.();
    wakeIdle = undefined;
    return;
  }
  if (message.kind === "cancel") cancelled.add(message.id);
  if (current === undefined || message.id !== current.id) return;
  if (message.kind === "next") current.credits += 1;
  current.wake?.();
  current.wake = undefined;
});

const client = dynamoDbClientFor(target.dynamoDbEndpoint);
const store = createEventStore({ client, tableName: target.eventsTable });
send({ kind: "ready" });
for (;;) {
  const next = asked.shift();
  if (next === undefined) {
    await new Promise<void>((resolve) => (wakeIdle = resolve));
    continue;
  }
  const { id, read } = next;
  // Cancelled before it began: nothing to read.
  if (cancelled.delete(id)) continue;
  const reading: Reading = { id, credits: ahead };
  current = reading;
  try {
    for await (const batch of replayBatches(store.readAll(readAllRange(read)), read)) {
      while (reading.credits === 0 && !cancelled.has(id)) await new Promise<void>((resolve) => (reading.wake = resolve));
      if (cancelled.has(id)) break;
      reading.credits -= 1;
      send({ kind: "batch", id, batch });
    }
    if (!cancelled.has(id)) send({ kind: "end", id });
  } catch (error) {
    const { name, message, stack } = error instanceof Error ? error : new Error(String(error));
    send({ kind: "failed", id, name, message, ...(stack === undefined ? {} : { stack }) });
  } finally {
    cancelled.delete(id);
    current = undefined;
  }
}
