import { inject } from "vitest";

/**
 * The DynamoDB Local of this test file's worker: every worker has its own (see
 * `tests/setup/servers.ts`), so files running side by side never queue on one database lock.
 */
export const dynamoDbEndpoint = (): string => {
  const endpoints = inject("dynamoDbEndpoints");
  const worker = Number(process.env.VITEST_POOL_ID ?? "1");
  return endpoints[(worker - 1) % endpoints.length]!;
};
