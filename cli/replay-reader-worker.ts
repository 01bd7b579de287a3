import { parentPort, workerData } from "node:worker_threads";
import { createEventStore, dynamoDbClientFor } from "../store/index.js";
import { readAllRange, replayBatches } from "./replay-batches.js";
import type { ReaderThreadData, ReaderThreadMessage } from "./replay-reader-thread.js";

// The reader thread of `readInReaderThread`: reads and batches history, and sends a batch each
// time the replay has taken one, `ahead` at first.
const port = parentPort;
if (port === null) throw new Error("replay-reader-worker runs as a worker thread");
const { target, read, ahead } = workerData as ReaderThreadData;
const send = (message: ReaderThreadMessage) => port.postMessage(message);

let credits = ahead;
let taken: (() => void) | undefined;
port.on("message", () => {
  credits += 1;
  taken?.();
  taken = undefined;
});

const client = dynamoDbClientFor(target.dynamoDbEndpoint);
try {
  const store = createEventStore({ client, tableName: target.eventsTable });
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
