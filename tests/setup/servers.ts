import type { TestProject } from "vitest/node";
import { startDynamoDbLocal, type RunningServer } from "../../local/dynamodb-local.js";

declare module "vitest" {
  export interface ProvidedContext {
    dynamoDbEndpoint: string;
  }
}

const running: RunningServer[] = [];

/** Starts the real local servers once for the whole run; each test file makes its own tables. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dynamo = await startDynamoDbLocal({ port: Number(process.env.TEST_DYNAMODB_PORT ?? 8700) });
  running.push(dynamo);
  project.provide("dynamoDbEndpoint", dynamo.endpoint);
  return async () => {
    await Promise.all(running.map((s) => s.stop()));
  };
}
