import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { inject } from "vitest";
import { dynamoDbEndpoint } from "./servers.js";

const bin = fileURLToPath(new URL("../../cli/bookstore.mjs", import.meta.url));

/** Which tables and Redis prefix the CLI works on, as an operator would set them. */
export interface CliTarget {
  readonly eventsTable: string;
  readonly viewsTable: string;
  readonly redisPrefix: string;
  readonly searchIndex?: string;
  /** The registry's queues are under this prefix (`tests/support/sqs.ts`); none the CLI can find when absent. */
  readonly queuePrefix?: string;
  /** A DynamoDB Local of the test file's own; default the suite's. */
  readonly dynamoDbEndpoint?: string;
}

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

const env = (target?: CliTarget): NodeJS.ProcessEnv => ({
  ...process.env,
  DYNAMODB_ENDPOINT: target?.dynamoDbEndpoint ?? dynamoDbEndpoint(),
  REDIS_URL: inject("redisUrl"),
  OPENSEARCH_URL: inject("openSearchUrl"),
  SQS_ENDPOINT: inject("sqsEndpoint"),
  QUEUE_PREFIX: target?.queuePrefix ?? "no-such-queues",
  ...(target?.searchIndex === undefined ? {} : { OPENSEARCH_INDEX: target.searchIndex }),
  ...(target === undefined
    ? { EVENTS_TABLE: "no-such-events", VIEWS_TABLE: "no-such-views" }
    : { EVENTS_TABLE: target.eventsTable, VIEWS_TABLE: target.viewsTable, REDIS_PREFIX: target.redisPrefix }),
});

/** Starts `bookstore <args>` as its own process, exactly as an operator runs it. */
export const startCli = (args: readonly string[], target?: CliTarget): { child: ChildProcess; done: Promise<CliRun> } => {
  const child = spawn(process.execPath, [bin, ...args], { env: env(target), stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<CliRun>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
  return { child, done };
};

export const runCli = (args: readonly string[], target?: CliTarget): Promise<CliRun> => startCli(args, target).done;
