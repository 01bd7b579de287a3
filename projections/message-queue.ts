import type { QueueKey } from "./queues.js";

/** One message for a FIFO queue. */
export interface QueueMessage {
  /** Messages of one group are delivered in the order sent (an order id). */
  readonly groupId: string;
  /** The queue drops a second message with this id within 5 minutes: the event id it comes from. */
  readonly deduplicationId: string;
  /** JSON, decoded by its consumer with the queue's codec. */
  readonly body: string;
}

/** Where a projection sends messages: SQS in AWS and on the local ElasticMQ. */
export interface MessageQueue {
  /**
   * Sends every message or throws; a message may have been sent even when it throws. Messages
   * of one group are sent in the order given. `acknowledged`, when given, hears of each part of
   * `messages` as soon as the queue has taken it (before the whole send resolves), so a caller
   * can act on what is safely sent while the rest is still on its way.
   */
  send(messages: readonly QueueMessage[], acknowledged?: (sent: readonly QueueMessage[]) => void): Promise<void>;
}

export interface QueuePorts {
  readonly queues: { readonly [K in QueueKey]: MessageQueue };
}

/** Sends nothing: a replay of history must not ask for old orders to be shipped again. */
export const silentQueue: MessageQueue = {
  send: async (messages, acknowledged) => {
    if (messages.length > 0) acknowledged?.(messages);
  },
};

export const silentQueues: QueuePorts["queues"] = { fulfilment: silentQueue };
