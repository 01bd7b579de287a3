import { ChangeMessageVisibilityBatchCommand, type Message, ReceiveMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";

/** A message waiting in a queue, as SQS gives it. */
export interface WaitingMessage {
  readonly messageId: string;
  readonly groupId?: string;
  readonly deduplicationId?: string;
  readonly sentAt?: string;
  /** Receives so far, this listing's included: the dead-letter queue takes a message past the queue's `maxReceiveCount`. */
  readonly receiveCount: number;
  readonly body: string;
}

export interface PeekOptions {
  /** How long the listed messages are held from consumers while the listing runs (they are then given back at once). */
  readonly holdSeconds?: number;
  /** Stop after this many. */
  readonly max?: number;
}

/** FIFO sequence numbers are decimal strings of up to 20 digits, beyond a double's precision. */
const bySequence = (a: Message, b: Message): number => {
  const [x, y] = [a.Attributes?.SequenceNumber ?? "", b.Attributes?.SequenceNumber ?? ""];
  if (x !== "" && y !== "") return x.length - y.length || (x < y ? -1 : x > y ? 1 : 0);
  return Number(a.Attributes?.SentTimestamp ?? 0) - Number(b.Attributes?.SentTimestamp ?? 0);
};

/** Makes received messages visible again at once (`ChangeMessageVisibility` to 0). */
export const giveBack = async (client: Pick<SQSClient, "send">, queueUrl: string, messages: readonly Message[]): Promise<void> => {
  for (let i = 0; i < messages.length; i += 10) {
    const entries = messages.slice(i, i + 10).map((m, j) => ({ Id: `m${j}`, ReceiptHandle: m.ReceiptHandle ?? "", VisibilityTimeout: 0 }));
    await client.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
  }
};

/**
 * Receives every message waiting (held for `holdSeconds`) until none is left, each once. What
 * was received before a failure is given back before it is thrown.
 */
export const receiveAll = async (client: Pick<SQSClient, "send">, queueUrl: string, { holdSeconds = 20, max = 10_000 }: PeekOptions = {}): Promise<Message[]> => {
  const seen = new Map<string, Message>();
  try {
    while (seen.size < max) {
      const out = await client.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: Math.min(10, max - seen.size),
          VisibilityTimeout: holdSeconds,
          // Short polls may miss messages on SQS: a second's long poll says for certain that none is left.
          WaitTimeSeconds: 1,
          MessageSystemAttributeNames: ["All"],
        }),
      );
      const got = out.Messages ?? [];
      if (got.length === 0) break;
      for (const m of got) if (m.MessageId !== undefined) seen.set(m.MessageId, m);
    }
  } catch (e) {
    await giveBack(client, queueUrl, [...seen.values()]);
    throw e;
  }
  return [...seen.values()];
};

/**
 * What waits in a queue, without taking it: SQS has no peek, so the messages are received (held
 * for `holdSeconds`) until none is left, then made visible again at once, and none is deleted.
 * A FIFO queue gives no message of a group while an earlier one of it is held, so what a
 * consumer holds is not listed, and what is listed comes in each group's order. Every listing
 * counts as a receive of each message.
 */
export const peekQueue = async (client: Pick<SQSClient, "send">, queueUrl: string, options: PeekOptions = {}): Promise<WaitingMessage[]> => {
  const held = await receiveAll(client, queueUrl, options);
  await giveBack(client, queueUrl, held);
  return held.sort(bySequence).map((m) => ({
    messageId: m.MessageId ?? "",
    ...(m.Attributes?.MessageGroupId === undefined ? {} : { groupId: m.Attributes.MessageGroupId }),
    ...(m.Attributes?.MessageDeduplicationId === undefined ? {} : { deduplicationId: m.Attributes.MessageDeduplicationId }),
    ...(m.Attributes?.SentTimestamp === undefined ? {} : { sentAt: new Date(Number(m.Attributes.SentTimestamp)).toISOString() }),
    receiveCount: Number(m.Attributes?.ApproximateReceiveCount ?? 1),
    body: m.Body ?? "",
  }));
};
