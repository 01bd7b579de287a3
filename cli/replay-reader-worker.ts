import { parentPort, workerData } from "node:worker_threads";
import { createEventStore, dynamoDbClientFor } from "../store/index.js";
import { readAllRange, replayBatches, type ReplayRead } from "./replay-batches.js";
import type { ReaderThreadData, ReaderThreadMessage, ToReaderThread } from "./replay-reader-thread.js";

// The reader thread of `readInReaderThread`: says it is ready, waits for what to read, then
// reads and batches history, and sends a batch each time the replay has taken one, `ahead` at first.
const port = parentPort;
if (port === null) throw new Error("replay-reader-worker runs as a worker thread");
const { target, ahead } = workerData as ReaderThreadData;
const send = (message: ReaderThreadMessage) => port.postMessage(message);

let credits = ahead;
let taken: (() => void) | undefined;
let asked: ((read: ReplayRead) => void) | undefined;
const toRead = new Promise<ReplayRead>((resolve) => (asked = resolve));
port.on("message", (message: ToReaderThread) => {
  if (message === "next") {
    credits += 1;
    taken?.();
    taken = undefined;
  } else asked?.(message.read);
});

const client = dynamoDbClientFor(target.dynamoDbEndpoint);
try {
  const store = createEventStore({ client, tableName: target.eventsTable });
  send({ kind: "ready" });
  const read = await toRead;
  for await (const batch of replayBatches(store.readAll(readAllRange(read)), read)) {
    while (credits === 0) await new Promise<void>((resolve) => (taken = resolve));
    credits -= 1;
    send({ kind: "batch", batch });
  }
  send({ kind: "end" });
} catch (error) {
  const { name, message, stack } = error instanceof Error ? error : new Error(String(error));
  send({ kind: "failed", name, message, ...(stack === undefined ? {} : { stack }) });
} finally {
  // The port stays open: the replay ends this thread once it has taken the last message.
  client.destroy();
}
