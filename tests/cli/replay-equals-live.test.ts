import { Client } from "@opensearch-project/opensearch";
import { Redis } from "ioredis";
import { ulid } from "ulid";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { freePort } from "../../bench/measure.js";
import { startDynamoDbLocal, type RunningServer } from "../../local/dynamodb-local.js";
import { createStreamPoller } from "../../local/stream-poller.js";
import { inProcessBus, projections, silentQueues, type ProjectionPorts } from "../../projections/index.js";
import { freshCommands, type CommandsFixture } from "../support/commands-fixture.js";
import { documentClient, freshViews, streamsClient } from "../support/projections-fixture.js";
import { dumpIndex, dumpRedis, dumpViews } from "../support/read-model-dump.js";
import { runCli, type CliTarget } from "../support/run-cli.js";
import { runWorkload } from "../support/workload.js";

// The issue asks for at least 20,000 events; CLI_WORKLOAD_EVENTS may ask for more, never less.
const EVENTS = Math.max(20_000, Number(process.env.CLI_WORKLOAD_EVENTS ?? 0) || 0);

let dynamo: RunningServer | undefined;
let f: CommandsFixture;
let live: ProjectionPorts;
let livePrefix: string;
let search: Client;
const redisClients: Redis[] = [];
beforeAll(async () => {
  // 20,000 events are too many to write through the DynamoDB Local every other test file shares:
  // it runs on one SQLite lock, and the whole suite would wait on this file. It gets its own.
  dynamo = await startDynamoDbLocal({ port: await freePort() });
  f = await freshCommands("cli-replay", {}, "dynamodb", dynamo.endpoint);
  await runWorkload(f, EVENTS);
  livePrefix = `live-${ulid()}:`;
  const redis = new Redis(inject("redisUrl"), { keyPrefix: livePrefix });
  redisClients.push(redis);
  search = new Client({ node: inject("openSearchUrl") });
  live = { views: { client: documentClient(f.client), tableName: f.names.views }, redis, search: { client: search, index: `books-live-${ulid().toLowerCase()}` },
    integration: { bus: inProcessBus(), stockLowThreshold: 5 },
    // Read models only: what the fulfilment outbox sends is its own test's business.
    queues: silentQueues,
  };
  for (const p of projections) await p.prepare?.(live);
  await createStreamPoller({ dynamo: f.client, streams: streamsClient(dynamo.endpoint), eventsTable: f.names.events, projections, ports: live, retryDelayMs: 5 }).catchUp();
}, 2_400_000);
afterAll(async () => {
  redisClients.forEach((r) => r.disconnect());
  await dynamo?.stop();
});

describe("bookstore replay", () => {
  it(`rebuilds every read model from scratch exactly as the live stream built it (${EVENTS}+ events of mixed commands)`, async () => {
    const views = await freshViews("cli-replayed", dynamo!.endpoint);
    const target: CliTarget = {
      eventsTable: f.names.events,
      viewsTable: views.tableName,
      redisPrefix: `replayed-${ulid()}:`,
      searchIndex: `books-replayed-${ulid().toLowerCase()}`,
      dynamoDbEndpoint: dynamo!.endpoint,
    };
    for (const p of projections) {
      const run = await runCli(["replay", p.name], target);
      expect(run.stderr).not.toMatch(/error/i);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/events read\s+\d+/);
    }
    const liveViews = await dumpViews(live.views);
    // A workload that left the models empty would prove nothing.
    expect(liveViews.filter((i) => String(i.pk).startsWith("orders#")).length).toBeGreaterThan(0);
    expect(await dumpViews(views)).toEqual(liveViews);
    const liveRedis = await dumpRedis(inject("redisUrl"), livePrefix);
    expect(Object.keys(liveRedis)).toContain("bestsellers");
    expect(Object.keys(liveRedis)).toContain("top-rated");
    expect(Object.keys(liveRedis).filter((k) => k.startsWith("sales:day:")).length).toBeGreaterThan(0);
    expect(await dumpRedis(inject("redisUrl"), target.redisPrefix)).toEqual(liveRedis);
    const liveBooks = await dumpIndex(search, live.search.index);
    expect(liveBooks.length).toBeGreaterThan(0);
    expect(await dumpIndex(search, target.searchIndex!)).toEqual(liveBooks);
  }, 1_200_000);

  it("a dry run counts what it would apply and writes nothing", async () => {
    const views = await freshViews("cli-dry", dynamo!.endpoint);
    const target: CliTarget = { eventsTable: f.names.events, viewsTable: views.tableName, redisPrefix: `dry-${ulid()}:`, dynamoDbEndpoint: dynamo!.endpoint };
    const run = await runCli(["replay", "bestsellers", "--dry-run", "--types", "OrderPaid"], target);
    expect(run.code).toBe(0);
    const paid = Number(/OrderPaid\s+(\d+)/.exec(run.stdout)?.[1]);
    expect(paid).toBeGreaterThan(0);
    expect(await dumpViews(views)).toEqual([]);
    expect(await dumpRedis(inject("redisUrl"), target.redisPrefix)).toEqual({});
  }, 120_000);
});
