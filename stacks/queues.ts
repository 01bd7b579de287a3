import { deadLetterQueueName, queueName, queues, type QueueDefinition, type QueueKey } from "../projections/queues.js";
import { componentName } from "./naming.js";

export interface MessageQueue {
  readonly key: QueueKey;
  readonly definition: QueueDefinition;
  readonly queue: sst.aws.Queue;
  readonly deadLetters: sst.aws.Queue;
}

export type MessageQueues = Readonly<Record<QueueKey, MessageQueue>>;

/**
 * The queues of the registry (`projections/queues.ts`, which the local ElasticMQ is set up
 * from too), named under the app and stage (`bookstore-prod-fulfilment.fifo`), each with its
 * dead-letter queue: a message received `maxReceiveCount` times and never deleted moves there.
 */
export const messageQueues = (): MessageQueues => {
  const prefix = `${$app.name}-${$app.stage}`;
  const made = Object.entries(queues).map(([key, q]): MessageQueue => {
    const name = componentName(q.name);
    const deadLetters = new sst.aws.Queue(`${name}DeadLetterQueue`, {
      fifo: q.fifo,
      transform: { queue: { name: deadLetterQueueName(prefix, q), messageRetentionSeconds: q.deadLetter.retentionSeconds } },
    });
    const queue = new sst.aws.Queue(`${name}Queue`, {
      // Deduplicated on the id each message carries (the event's), never on its body.
      fifo: q.fifo ? { contentBasedDeduplication: false } : false,
      visibilityTimeout: `${q.visibilityTimeoutSeconds} seconds`,
      dlq: { queue: deadLetters.arn, retry: q.deadLetter.maxReceiveCount },
      transform: { queue: { name: queueName(prefix, q), messageRetentionSeconds: q.retentionSeconds } },
    });
    return { key: key as QueueKey, definition: q, queue, deadLetters };
  });
  return Object.fromEntries(made.map((m) => [m.key, m])) as MessageQueues;
};
