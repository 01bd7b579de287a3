import { ChangeMessageVisibilityCommand, DeleteMessageCommand, GetQueueUrlCommand, QueueDoesNotExist, type SQSClient } from "@aws-sdk/client-sqs";
import { isLeft } from "fp-ts/lib/Either.js";
import type { StoredEvent } from "../events/index.js";
import { atLiveGeneration, type Projection, type ViewPorts } from "../projections/index.js";
import { decodeStreamBatchFailure, failureQueueName, type StreamBatchFailure } from "../projections/stream-failures.js";
import type { EventStore } from "../store/index.js";
import { receiveAll, giveBack } from "./queue-peek.js";

/** A failure pointer waiting in a projector's on-failure queue. */
export interface FailurePointer {
  readonly messageId: string;
  readonly failure: StreamBatchFailure;
}

export interface FailureQueue {
  readonly name: string;
  /** Absent when there is no such queue (locally, before `npm start` made it). */
  readonly url?: string;
}

/** The projector's on-failure queue under the deployment's prefix (SST and `npm start` name it so). */
export const failureQueue = async (sqs: Pick<SQSClient, "send">, prefix: string, projection: string): Promise<FailureQueue> => {
  const name = failureQueueName(prefix, projection);
  try {
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: name }));
    return QueueUrl === undefined ? { name } : { name, url: QueueUrl };
  } catch (e) {
    if (e instanceof QueueDoesNotExist) return { name };
    throw e;
  }
};

const byArrival = (a: FailurePointer, b: FailurePointer) =>
  a.failure.DDBStreamBatchInfo.approximateArrivalOfFirstRecord.localeCompare(b.failure.DDBStreamBatchInfo.approximateArrivalOfFirstRecord);

/** What waits in the queue, left there: the pointers, oldest first, and the messages that are not pointers. */
export const listFailures = async (sqs: Pick<SQSClient, "send">, queueUrl: string) => {
  const held = await receiveAll(sqs, queueUrl);
  try {
    return sortPointers(held.map((m) => ({ messageId: m.MessageId ?? "", decoded: decodeStreamBatchFailure(m.Body ?? "") })));
  } finally {
    await giveBack(sqs, queueUrl, held);
  }
};

const sortPointers = <T extends { messageId: string; decoded: ReturnType<typeof decodeStreamBatchFailure> }>(messages: readonly T[]) => {
  const pointers: (FailurePointer & { message: T })[] = [];
  const unreadable: { messageId: string; error: string }[] = [];
  for (const m of messages) {
    if ("error" in m.decoded) unreadable.push({ messageId: m.messageId, error: m.decoded.error });
    else pointers.push({ messageId: m.messageId, failure: m.decoded, message: m });
  }
  return { pointers: pointers.sort(byArrival), unreadable };
};

/**
 * How far around a pointer's arrival times its events are read again. An event's id is minted
 * when its command runs, its stream record when the write commits: the append's retries can put
 * seconds between them, and arrival times are whole seconds.
 */
const WINDOW_BEFORE_MS = 5 * 60_000;
const WINDOW_AFTER_MS = 60_000;

export interface FailureRedrive {
  readonly pointers: number;
  readonly redriven: number;
  readonly events: number;
  readonly failed: readonly { readonly messageId: string; readonly error: string }[];
  readonly unreadable: number;
}

/**
 * Applies again the events behind each pointer, read from the event store itself (not the
 * stream, whose records are gone after 24 hours): every event of the projection's types whose
 * id falls in the pointer's arrival window widened on both sides, in order, in the projection's
 * batch size, into the live generation. Projections are idempotent, so the events around the
 * failed ones that were applied already change nothing. A pointer whose events apply is
 * deleted; one that fails again is given back to the queue, and the first error is reported.
 */
export const redriveFailures = async <P extends ViewPorts>(
  projection: Projection<P>,
  configured: P,
  store: Pick<EventStore, "readAll">,
  sqs: Pick<SQSClient, "send">,
  queueUrl: string,
): Promise<FailureRedrive> => {
  const held = await receiveAll(sqs, queueUrl, { holdSeconds: 900 });
  const { pointers, unreadable } = sortPointers(held.map((m) => ({ messageId: m.MessageId ?? "", receipt: m.ReceiptHandle ?? "", decoded: decodeStreamBatchFailure(m.Body ?? "") })));
  const unreadableHandles = new Set(unreadable.map((u) => u.messageId));
  // What is not a pointer is left for a human, visible again at once.
  await giveBack(sqs, queueUrl, held.filter((m) => unreadableHandles.has(m.MessageId ?? "")));
  const ports = await atLiveGeneration(configured, projection.name);
  if (pointers.length > 0) await projection.prepare?.(ports);
  const types = new Set<string>(projection.eventTypes);
  const failed: { messageId: string; error: string }[] = [];
  let redriven = 0;
  let events = 0;
  for (const { messageId, failure, message } of pointers) {
    const info = failure.DDBStreamBatchInfo;
    const from = new Date(Date.parse(info.approximateArrivalOfFirstRecord) - WINDOW_BEFORE_MS).toISOString();
    const to = new Date(Date.parse(info.approximateArrivalOfLastRecord) + WINDOW_AFTER_MS).toISOString();
    try {
      let batch: StoredEvent[] = [];
      for await (const read of store.readAll({ from, to })) {
        // An item that does not decode is the views table's dead letters' business (the projector put it there).
        if (isLeft(read) || !types.has(read.right.type)) continue;
        batch.push(read.right);
        if (batch.length >= projection.batch.batchSize) {
          await projection.apply(batch, ports);
          events += batch.length;
          batch = [];
        }
      }
      if (batch.length > 0) await projection.apply(batch, ports);
      events += batch.length;
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.receipt }));
      redriven += 1;
    } catch (error) {
      failed.push({ messageId, error: error instanceof Error ? error.message : String(error) });
      await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: message.receipt, VisibilityTimeout: 0 }));
    }
  }
  return { pointers: pointers.length, redriven, events, failed, unreadable: unreadable.length };
};
