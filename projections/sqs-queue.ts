import { GetQueueUrlCommand, type SendMessageBatchRequestEntry, SendMessageBatchCommand, SQSClient } from "@aws-sdk/client-sqs";
import { setTimeout as sleep } from "node:timers/promises";
import type { MessageQueue, QueueMessage } from "./message-queue.js";

/** SQS in AWS when `endpoint` is unset; a local one (ElasticMQ), with made-up credentials, when set. */
export const sqsClientFor = (endpoint: string | undefined, region = "elasticmq"): SQSClient =>
  new SQSClient(endpoint === undefined || endpoint === "" ? {} : { endpoint, region, credentials: { accessKeyId: "local", secretAccessKey: "local" } });

/** SendMessageBatch takes at most 10 entries per call. */
export const SEND_MESSAGE_BATCH_MAX_ENTRIES = 10;

export interface SqsQueueOptions {
  readonly client: Pick<SQSClient, "send">;
  /** The queue's URL, or its name to look the URL up by (once, on first send). */
  readonly queue: { readonly url: string } | { readonly name: string };
  /** Further attempts for entries that failed (throttled, internal failure) before giving up. */
  readonly maxRetries?: number;
  /** Wait before retry n: `retryDelayMs * 2^n`. */
  readonly retryDelayMs?: number;
  /** SendMessageBatch calls in flight at once (default 4). */
  readonly concurrency?: number;
}

/** Raised when entries still fail after the retries. */
export class SendFailed extends Error {
  constructor(readonly failures: readonly { readonly message: QueueMessage; readonly code: string; readonly reason: string }[]) {
    super(`SQS refused ${failures.length} message(s): ${failures.map((f) => `${f.message.deduplicationId} ${f.code} ${f.reason}`).join(", ")}`);
    this.name = "SendFailed";
  }
}

/**
 * Cuts messages into calls of at most 10, each group whole in one call while it fits (first fit,
 * in the order given), so calls sent side by side never race two messages of one group. A
 * group of more than 10 takes calls of its own, sent one after the other.
 * @returns the calls that may go side by side, each a list of calls to send in turn
 */
export const planCalls = (messages: readonly QueueMessage[]): QueueMessage[][][] => {
  const groups = new Map<string, QueueMessage[]>();
  for (const m of messages) groups.set(m.groupId, [...(groups.get(m.groupId) ?? []), m]);
  const shared: QueueMessage[][] = [];
  const own: QueueMessage[][][] = [];
  for (const group of groups.values()) {
    if (group.length > SEND_MESSAGE_BATCH_MAX_ENTRIES) {
      const turns: QueueMessage[][] = [];
      for (let i = 0; i < group.length; i += SEND_MESSAGE_BATCH_MAX_ENTRIES) turns.push(group.slice(i, i + SEND_MESSAGE_BATCH_MAX_ENTRIES));
      own.push(turns);
      continue;
    }
    const call = shared.find((c) => c.length + group.length <= SEND_MESSAGE_BATCH_MAX_ENTRIES);
    if (call === undefined) shared.push([...group]);
    else call.push(...group);
  }
  return [...shared.map((c) => [c]), ...own];
};

const entry = (m: QueueMessage, i: number): SendMessageBatchRequestEntry => ({
  Id: `m${i}`,
  MessageBody: m.body,
  MessageGroupId: m.groupId,
  MessageDeduplicationId: m.deduplicationId,
});

/**
 * The SQS adapter for a FIFO queue: messages go out in SendMessageBatch calls of 10, a few calls
 * at once, one group's messages always in one call or in calls one after the other. A call
 * succeeds even when some entries fail (`Failed`, with `SenderFault`): the failed ones are sent
 * again with backoff unless the fault is the sender's; what still fails is thrown, so the stream
 * record is retried. The same deduplication id sent again within 5 minutes is dropped by SQS.
 */
export const sqsQueue = ({ client, queue, maxRetries = 4, retryDelayMs = 100, concurrency = 4 }: SqsQueueOptions): MessageQueue => {
  let url: Promise<string> | undefined;
  const queueUrl = () =>
    (url ??=
      "url" in queue
        ? Promise.resolve(queue.url)
        : client.send(new GetQueueUrlCommand({ QueueName: queue.name })).then((out) => {
            if (out.QueueUrl === undefined) throw new Error(`SQS gave no URL for ${queue.name}`);
            return out.QueueUrl;
          }, (e: unknown) => {
            url = undefined;
            throw e;
          }));
  const sendCall = async (QueueUrl: string, messages: readonly QueueMessage[], acknowledged: ((sent: readonly QueueMessage[]) => void) | undefined) => {
    let pending = messages;
    for (let attempt = 0; ; attempt += 1) {
      const out = await client.send(new SendMessageBatchCommand({ QueueUrl, Entries: pending.map(entry) }));
      const failed = (out.Failed ?? []).flatMap((f) => {
        const message = pending[Number(f.Id?.slice(1))];
        return message === undefined ? [] : [{ message, code: f.Code ?? "", reason: f.Message ?? "", senderFault: f.SenderFault === true }];
      });
      if (failed.length === 0) return acknowledged?.(messages);
      if (attempt >= maxRetries || failed.some((f) => f.senderFault)) throw new SendFailed(failed);
      // Resent in the order given, so a group's later message never overtakes its earlier one.
      pending = pending.filter((m) => failed.some((f) => f.message === m));
      await sleep(retryDelayMs * 2 ** attempt);
    }
  };
  return {
    send: async (messages, acknowledged) => {
      if (messages.length === 0) return;
      const QueueUrl = await queueUrl();
      const lanes = planCalls(messages);
      const failures: unknown[] = [];
      const worker = async () => {
        for (let turns = lanes.shift(); turns !== undefined; turns = lanes.shift()) {
          try {
            for (const call of turns) await sendCall(QueueUrl, call, acknowledged);
          } catch (e) {
            failures.push(e);
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, lanes.length) }, worker));
      if (failures.length > 0) throw failures[0];
    },
  };
};
