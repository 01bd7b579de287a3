import type { TestProject } from "vitest/node";
import { startDynamoDbLocal } from "../../local/dynamodb-local.js";
import { startLocalServers } from "../../local/servers.js";
import { serverWorkers } from "./workers.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** One DynamoDB Local per test worker; a file takes its worker's (`tests/support/servers.ts`). */
    dynamoDbEndpoints: string[];
    redisUrl: string;
    openSearchUrl: string;
    /** ElasticMQ; a file makes queues of its own under a prefix (`tests/support/sqs.ts`). */
    sqsEndpoint: string;
  }
}

const port = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

/**
 * Starts the real local servers once for the whole run (in memory / in a temporary folder, on
 * ports of their own so a developer's `npm start` is never touched); each test file makes its own
 * tables, keys, indices and queues. DynamoDB Local runs on one SQLite database with one lock, so test
 * files running side by side would queue on it (and time out waiting): each worker gets its own.
 * The returned teardown stops everything this setup started.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dynamoPort = port("TEST_DYNAMODB_PORT", 8700);
  const servers = await startLocalServers({
    dynamo: { port: dynamoPort },
    redis: { port: port("TEST_REDIS_PORT", 6390) },
    opensearch: { port: port("TEST_OPENSEARCH_PORT", 9290) },
    // Not 9390: that is the test OpenSearch node's transport port (its HTTP port + 100).
    sqs: { port: port("TEST_SQS_PORT", 9330) },
  });
  const more = await Promise.all(Array.from({ length: serverWorkers - 1 }, (_, i) => startDynamoDbLocal({ port: dynamoPort + 1 + i })));
  project.provide("dynamoDbEndpoints", [servers.dynamoDbEndpoint, ...more.map((m) => m.endpoint)]);
  project.provide("redisUrl", servers.redisUrl);
  project.provide("openSearchUrl", servers.openSearchUrl ?? "");
  project.provide("sqsEndpoint", servers.sqsEndpoint ?? "");
  return async () => {
    await Promise.all([servers.stop(), ...more.map((m) => m.stop())]);
  };
}
