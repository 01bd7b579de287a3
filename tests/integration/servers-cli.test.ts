import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CreateTableCommand, DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { Redis } from "ioredis";
import { ulid } from "ulid";
import { dynamoDbAnswers, localAwsConfig } from "../../local/dynamodb-local.js";
import { redisAnswers } from "../../local/redis.js";
import { GetQueueUrlCommand, ReceiveMessageCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import { sqsAnswers } from "../../local/elasticmq.js";
import { sqsClientFor } from "../../projections/sqs-queue.js";

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address !== null ? resolve(address.port) : reject(new Error("no port"))));
    });
  });

// OpenSearch is left out here: the smoke test covers it, and a second node would double the run's memory.
describe("npm run servers -- start|stop|status", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "bookstore-servers-cli-"));
  let dynamoPort = 0;
  let redisPort = 0;
  let sqsPort = 0;
  const queuePrefix = `cli-${ulid().toLowerCase()}`;

  const cli = async (command: string, ...flags: string[]) => {
    const args = ["--import", "tsx", "local/servers-cli.ts", command, "--dynamo-port", String(dynamoPort), "--redis-port", String(redisPort), "--sqs-port", String(sqsPort), "--no-opensearch", ...flags];
    try {
      const { stdout } = await promisify(execFile)(process.execPath, args, { env: { ...process.env, BOOKSTORE_DATA_DIR: dataDir, QUEUE_PREFIX: queuePrefix }, timeout: 180_000 });
      return { code: 0, stdout };
    } catch (e) {
      const failed = e as { code?: number; stdout?: string; stderr?: string };
      return { code: failed.code ?? -1, stdout: `${failed.stdout ?? ""}${failed.stderr ?? ""}` };
    }
  };
  const endpoints = () => ({ dynamo: `http://127.0.0.1:${dynamoPort}`, redis: `redis://127.0.0.1:${redisPort}`, sqs: `http://127.0.0.1:${sqsPort}` });

  beforeAll(async () => {
    dynamoPort = await freePort();
    redisPort = await freePort();
    sqsPort = await freePort();
  });
  afterAll(async () => {
    await cli("stop");
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("start leaves the servers answering after the command has exited, and a second start reuses them", async () => {
    const first = await cli("start");
    expect(first.code).toBe(0);
    expect(await dynamoDbAnswers(endpoints().dynamo)).toBe(true);
    expect(await redisAnswers(endpoints().redis)).toBe(true);
    expect(await sqsAnswers(endpoints().sqs)).toBe(true);

    const second = await cli("start");
    expect(second.code).toBe(0);
    expect(second.stdout.match(/already running/g)).toHaveLength(3);

    const status = await cli("status");
    expect(status.stdout).toMatch(/dynamodb .* up: /);
    expect(status.stdout).toMatch(/redis .* up: PING → PONG/);
    expect(status.stdout).toMatch(/sqs .* up: ElasticMQ/);
  });

  it("stop stops them; data written before survives the next start", async () => {
    const table = `cli_probe_${ulid()}`;
    const dynamo = new DynamoDBClient(localAwsConfig(endpoints().dynamo));
    const redis = new Redis(endpoints().redis);
    await dynamo.send(
      new CreateTableCommand({
        TableName: table,
        KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
        AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
    await redis.set("cli-probe", table);
    redis.disconnect();
    const sqs = sqsClientFor(endpoints().sqs);
    const queue = async () => (await sqs.send(new GetQueueUrlCommand({ QueueName: `${queuePrefix}-fulfilment.fifo` }))).QueueUrl;
    await sqs.send(new SendMessageCommand({ QueueUrl: await queue(), MessageBody: table, MessageGroupId: "probe", MessageDeduplicationId: table }));

    const stopped = await cli("stop");
    expect(stopped.code).toBe(0);
    expect(await dynamoDbAnswers(endpoints().dynamo)).toBe(false);
    expect(await redisAnswers(endpoints().redis)).toBe(false);
    expect(await sqsAnswers(endpoints().sqs)).toBe(false);
    expect((await cli("status")).stdout).toMatch(/redis .* down/);

    expect((await cli("start")).code).toBe(0);
    const again = new Redis(endpoints().redis);
    try {
      expect(await again.get("cli-probe")).toBe(table);
      expect((await dynamo.send(new ListTablesCommand({}))).TableNames).toContain(table);
      // A message waiting in a queue is still waiting.
      const waiting = await sqs.send(new ReceiveMessageCommand({ QueueUrl: await queue(), MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
      expect(waiting.Messages?.map((m) => m.Body)).toEqual([table]);
    } finally {
      again.disconnect();
      dynamo.destroy();
      sqs.destroy();
    }
  });

  it("answers an unknown command or a bad port with the usage and exit code 2", async () => {
    const unknown = await cli("restart");
    expect(unknown.code).toBe(2);
    expect(unknown.stdout).toContain("Usage: npm run servers");
    const badPort = await cli("status", "--redis-port", "http");
    expect(badPort.code).toBe(2);
    expect(badPort.stdout).toContain("not a port number: http");
  });
});
