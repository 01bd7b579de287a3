import type { TestProject } from "vitest/node";
import { startLocalServers } from "../../local/servers.js";

declare module "vitest" {
  export interface ProvidedContext {
    dynamoDbEndpoint: string;
    redisUrl: string;
    openSearchUrl: string;
  }
}

const port = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

/**
 * Starts the real local servers once for the whole run (in memory / in a temporary folder, on
 * ports of their own so a developer's `npm start` is never touched); each test file makes its own
 * tables, keys and indices. The returned teardown stops everything this setup started.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const servers = await startLocalServers({
    dynamo: { port: port("TEST_DYNAMODB_PORT", 8700) },
    redis: { port: port("TEST_REDIS_PORT", 6390) },
    opensearch: { port: port("TEST_OPENSEARCH_PORT", 9290) },
  });
  project.provide("dynamoDbEndpoint", servers.dynamoDbEndpoint);
  project.provide("redisUrl", servers.redisUrl);
  project.provide("openSearchUrl", servers.openSearchUrl ?? "");
  return () => servers.stop();
}
