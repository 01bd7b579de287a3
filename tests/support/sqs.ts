import { DeleteQueueCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { ulid } from "ulid";
import { afterAll, inject } from "vitest";
import { createQueues } from "../../local/elasticmq.js";
import type { QueuePorts } from "../../projections/message-queue.js";
import { queueKeys, type QueueKey } from "../../projections/queues.js";
import { sqsClientFor, sqsQueue } from "../../projections/sqs-queue.js";

export interface FreshQueues {
  readonly client: SQSClient;
  readonly endpoint: string;
  /** Every queue of the registry, under a prefix of its own. */
  readonly prefix: string;
  readonly urls: Readonly<Record<QueueKey, string>>;
  /** The projections' port on them, as the local runtime and Lambda build it. */
  readonly queues: QueuePorts["queues"];
}

const made: { client: SQSClient; urls: string[] }[] = [];

/**
 * The registry's queues (and their dead-letter queues) on the suite's ElasticMQ under a prefix of
 * their own, as a test file has tables of its own; deleted when the file ends.
 */
export const freshQueues = async (prefix: string): Promise<FreshQueues> => {
  const endpoint = inject("sqsEndpoint");
  const client = sqsClientFor(endpoint);
  const own = `${prefix}-${ulid().toLowerCase()}`;
  const urls = await createQueues(client, own);
  made.push({ client, urls: Object.values(urls) });
  const queues = Object.fromEntries(queueKeys.map((k) => [k, sqsQueue({ client, queue: { url: urls[k] } })])) as QueuePorts["queues"];
  return { client, endpoint, prefix: own, urls, queues };
};

afterAll(async () => {
  for (const { client, urls } of made.splice(0)) {
    await Promise.all(urls.map((QueueUrl) => client.send(new DeleteQueueCommand({ QueueUrl })).catch(() => undefined)));
    client.destroy();
  }
});
