/**
 * The message queues other systems consume (fulfilment reads what to pick, pack and ship): the
 * one list the local SQS server's setup, the projections that send and SST all read. A queue's
 * name is `<prefix>-<name>` (`.fifo` after it for a FIFO queue), its dead-letter queue's
 * `<prefix>-<name>-dlq`: the prefix is the deployment's (a stage, `bookstore` locally, a test
 * file's own), so several share one server or account.
 */
export interface QueueDefinition {
  readonly name: string;
  /** FIFO: ordered per message group, and deduplicated on each message's deduplication id for 5 minutes. */
  readonly fifo: boolean;
  /** How long a received message stays hidden from other consumers before it is delivered again. */
  readonly visibilityTimeoutSeconds: number;
  readonly retentionSeconds: number;
  /** A message received this many times and never deleted moves to the dead-letter queue. */
  readonly deadLetter: { readonly maxReceiveCount: number; readonly retentionSeconds: number };
  /** The alarms: the oldest message waiting longer than this, more messages waiting than that. */
  readonly alarms: { readonly oldestMessageSeconds: number; readonly depth: number };
}

const days = (n: number) => n * 24 * 3600;

export const queues = {
  /**
   * `FulfilmentRequested` and `FulfilmentCancelled` (`fulfilment-contract.ts`), grouped by
   * order, so one order's messages arrive in the order they were sent.
   */
  fulfilment: {
    name: "fulfilment",
    fifo: true,
    visibilityTimeoutSeconds: 60,
    retentionSeconds: days(4),
    // Listing the queue (`bookstore fulfilment requests`) counts as a receive too: room for both.
    deadLetter: { maxReceiveCount: 10, retentionSeconds: days(14) },
    // A paid order waits at most a quarter of an hour to be picked up; a backlog of 1,000 is a warehouse that stopped reading.
    alarms: { oldestMessageSeconds: 900, depth: 1000 },
  },
} as const satisfies Record<string, QueueDefinition>;

export type QueueKey = keyof typeof queues;
export const queueKeys = Object.keys(queues) as QueueKey[];

const suffix = (q: QueueDefinition) => (q.fifo ? ".fifo" : "");

export const queueName = (prefix: string, q: QueueDefinition): string => `${prefix}-${q.name}${suffix(q)}`;
export const deadLetterQueueName = (prefix: string, q: QueueDefinition): string => `${prefix}-${q.name}-dlq${suffix(q)}`;

/** The variable a sender reads its queue's URL from: `FULFILMENT_QUEUE_URL`. */
export const queueUrlVariable = (key: QueueKey): string => `${key.toUpperCase()}_QUEUE_URL`;
