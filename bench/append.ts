/**
 * Append throughput and latency on DynamoDB Local, in one run:
 * (a) this event store, (b) the raw SDK sending the same TransactWriteItems, (c) Castore's
 * DynamoDB adapter. Workloads: small events to many streams (one or three per atomic append), and to one hot stream where
 * writers reload the version and retry on a conflict. Figures from a laptop-class machine with
 * DynamoDB Local sharing its cores are for comparing the three, not for capacity planning.
 */
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  CreateTableCommand,
  DynamoDBClient,
  type DynamoDBClientConfig,
  PutItemCommand,
  QueryCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  waitUntilTableExists,
} from "@aws-sdk/client-dynamodb";
import { marshall } from "@aws-sdk/util-dynamodb";
import { isEventAlreadyExistsError } from "@castore/core";
import { DynamoDBSingleTableEventStorageAdapter } from "@castore/event-storage-adapter-dynamodb";
import { isRight } from "fp-ts/lib/Either.js";
import { Readable } from "node:stream";
import { performance } from "node:perf_hooks";
import { monotonicFactory } from "ulid";
import { streamId, type StreamId } from "../events/index.js";
import { localAwsConfig, startDynamoDbLocal } from "../local/dynamodb-local.js";
import { createEventStore } from "../store/event-store.js";
import { createTables, keys, tableNames } from "../store/tables.js";
import type { NewEvent } from "../store/types.js";
import { freePort, percentile } from "./measure.js";

const WRITERS = [1, 8, 32];
const ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? 1000);
/** Short rounds in rotating orders, so drift in the machine's load does not favour one subject. */
const ORDERS = [[0, 1, 2], [2, 1, 0], [1, 2, 0], [0, 2, 1]];
const STREAMS_PER_WRITER = 10;

type Attempt = "ok" | "conflict";
interface Target {
  readonly stream: StreamId;
  readonly expectedVersion: number;
}
interface Subject {
  readonly name: string;
  /** Appends one small event to each target stream, atomically. */
  append(targets: readonly Target[]): Promise<Attempt>;
  /** The stream's version, reading only what follows the version the writer knew. */
  version(stream: StreamId, known: number): Promise<number>;
}

const event = (stream: StreamId, n: number): NewEvent => ({
  type: "BookPriceChanged",
  data: { bookId: stream.slice(5), priceCents: 1000 + n, currency: "EUR" },
  meta: { correlationId: "bench", causationId: "bench", actor: "bench", commandId: "bench" },
});

const ourStore = (client: DynamoDBClient, tableName: string): Subject => {
  const store = createEventStore({ client, tableName });
  return {
    name: "store",
    append: async (targets) => {
      const outcome = await store.append(targets.map((t) => ({ streamId: t.stream, expectedVersion: t.expectedVersion, events: [event(t.stream, t.expectedVersion)] })));
      if (isRight(outcome)) return "ok";
      if (outcome.left.kind === "ConcurrencyError") return "conflict";
      throw new Error(outcome.left.message);
    },
    version: async (stream, known) => {
      const loaded = await store.loadStream(stream, known + 1);
      if (!isRight(loaded)) throw new Error(loaded.left.reason);
      return loaded.right.version;
    },
  };
};

/**
 * The requests the store sends, written by hand with the SDK: the same items, a plain put for
 * one item, a transaction (with an idempotency token) for several.
 */
const rawSdk = (client: DynamoDBClient, tableName: string): Subject => {
  const newId = monotonicFactory();
  const item = (t: Target): Record<string, AttributeValue> => {
    const eventId = newId();
    const e = event(t.stream, t.expectedVersion);
    const version = t.expectedVersion + 1;
    const now = new Date().toISOString();
    return marshall({
      pk: t.stream,
      sk: version,
      kind: "event",
      gsi1pk: `all#${now.slice(0, 13)}#${eventId.charCodeAt(25) % 4}`,
      gsi1sk: eventId,
      eventId,
      type: e.type,
      schemaVersion: 1,
      streamId: t.stream,
      version,
      occurredAt: now,
      data: e.data,
      meta: e.meta,
    });
  };
  return {
    name: "raw SDK",
    append: async (targets) => {
      const puts = targets.map((t) => ({ TableName: tableName, Item: item(t), ConditionExpression: "attribute_not_exists(pk)" }));
      try {
        if (puts.length === 1) {
          await client.send(new PutItemCommand({ ...(puts[0] as (typeof puts)[number]), ReturnValuesOnConditionCheckFailure: "ALL_OLD" }));
        } else {
          await client.send(new TransactWriteItemsCommand({ TransactItems: puts.map((Put) => ({ Put })), ClientRequestToken: puts[0]?.Item.eventId?.S }));
        }
        return "ok";
      } catch (err) {
        if (err instanceof TransactionCanceledException || err instanceof ConditionalCheckFailedException) return "conflict";
        throw err;
      }
    },
    version: async (stream, known) => {
      const out = await client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: "pk = :pk AND sk > :known",
          ExpressionAttributeValues: { ":pk": { S: stream }, ":known": { N: String(known) } },
          ConsistentRead: true,
        }),
      );
      return Number(out.Items?.at(-1)?.[keys.sk]?.N ?? known);
    },
  };
};

const castore = (client: DynamoDBClient, tableName: string): Subject => {
  const adapter = new DynamoDBSingleTableEventStorageAdapter({ tableName, dynamoDBClient: client });
  const context = { eventStoreId: "BOOKS" };
  const detail = (t: Target) => {
    const e = event(t.stream, t.expectedVersion);
    return { aggregateId: t.stream, version: t.expectedVersion + 1, type: e.type, timestamp: new Date().toISOString(), payload: e.data, metadata: e.meta };
  };
  return {
    name: "Castore",
    append: async (targets) => {
      try {
        if (targets.length === 1) {
          await adapter.pushEvent(detail(targets[0] as Target), context);
        } else {
          const grouped = targets.map((t) => Object.assign(adapter.groupEvent(detail(t)), { context }));
          await adapter.pushEventGroup({}, ...(grouped as [(typeof grouped)[number], ...typeof grouped]));
        }
        return "ok";
      } catch (err) {
        if (isEventAlreadyExistsError(err) || err instanceof TransactionCanceledException) return "conflict";
        throw err;
      }
    },
    version: async (stream, known) => {
      const { events } = await adapter.getEvents(stream, context, { minVersion: known + 1 });
      return events.at(-1)?.version ?? known;
    },
  };
};

/** Castore's single-table layout, as its README gives it. */
const createCastoreTable = async (client: DynamoDBClient, tableName: string): Promise<void> => {
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: [
        { AttributeName: "aggregateId", AttributeType: "S" },
        { AttributeName: "version", AttributeType: "N" },
        { AttributeName: "eventStoreId", AttributeType: "S" },
        { AttributeName: "timestamp", AttributeType: "S" },
      ],
      KeySchema: [
        { AttributeName: "aggregateId", KeyType: "HASH" },
        { AttributeName: "version", KeyType: "RANGE" },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: "initialEvents",
          KeySchema: [
            { AttributeName: "eventStoreId", KeyType: "HASH" },
            { AttributeName: "timestamp", KeyType: "RANGE" },
          ],
          Projection: { ProjectionType: "KEYS_ONLY" },
        },
      ],
      // Not in Castore's README, but a store that feeds projections needs it, as ours has.
      StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_IMAGE" },
    }),
  );
  await waitUntilTableExists({ client, maxWaitTime: 60 }, { TableName: tableName });
};

interface Tally {
  appends: number;
  conflicts: number;
  ms: number;
  latencies: number[];
}
const emptyTally = (): Tally => ({ appends: 0, conflicts: 0, ms: 0, latencies: [] });

const WORKLOADS = ["one stream per append", "3 streams per append", "one hot stream"] as const;
type Workload = (typeof WORKLOADS)[number];
let runNo = 0;

/** N writers for `ms`; latency is per successful append, retries included. */
const measure = async (subject: Subject, workload: Workload, writers: number, ms: number, into: Tally): Promise<void> => {
  const run = ++runNo;
  const hot = streamId("book", `hot-${run}`);
  const began = performance.now();
  const deadline = began + ms;
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      const versions = new Map<StreamId, number>();
      const own = (k: number) => streamId("book", `r${run}-w${w}-s${k % STREAMS_PER_WRITER}`);
      for (let n = 0; performance.now() < deadline; n++) {
        const streams = workload === "one hot stream" ? [hot] : workload === "one stream per append" ? [own(n)] : [own(n), own(n + 1), own(n + 2)];
        const t0 = performance.now();
        let done = false;
        while (!done && performance.now() < deadline) {
          const targets = streams.map((stream) => ({ stream, expectedVersion: versions.get(stream) ?? 0 }));
          if ((await subject.append(targets)) === "ok") {
            for (const t of targets) versions.set(t.stream, t.expectedVersion + 1);
            done = true;
          } else {
            into.conflicts++;
            for (const t of targets) versions.set(t.stream, await subject.version(t.stream, t.expectedVersion));
          }
        }
        if (!done) break;
        into.latencies.push(performance.now() - t0);
        into.appends++;
      }
    }),
  );
  into.ms += performance.now() - began;
};

/**
 * A client whose transport answers every request at once with an empty success, so the SDK
 * still builds, signs and parses each request: what is left is each library's own CPU cost.
 */
const cannedClient = (): DynamoDBClient =>
  new DynamoDBClient({
    ...localAwsConfig("http://127.0.0.1:9"),
    requestHandler: {
      handle: async () => ({ response: { statusCode: 200, headers: { "content-type": "application/x-amz-json-1.0" }, body: Readable.from([Buffer.from("{}")]) } }),
    } as unknown as NonNullable<DynamoDBClientConfig["requestHandler"]>,
  });

/** Microseconds of client-side work per append, one writer, over `count` appends to ten streams. */
const clientCost = async (subject: Subject, count: number): Promise<number> => {
  const versions = new Map<StreamId, number>();
  const began = performance.now();
  for (let n = 0; n < count; n++) {
    const stream = streamId("book", `cpu-${n % STREAMS_PER_WRITER}`);
    const expectedVersion = versions.get(stream) ?? 0;
    if ((await subject.append([{ stream, expectedVersion }])) !== "ok") throw new Error("the canned transport refused an append");
    versions.set(stream, expectedVersion + 1);
  }
  return ((performance.now() - began) * 1000) / count;
};


const main = async (): Promise<void> => {
  const port = await freePort();
  console.log(`Starting DynamoDB Local (in memory) on port ${port} ...`);
  const server = await startDynamoDbLocal({ port });
  const client = new DynamoDBClient(localAwsConfig(server.endpoint));
  try {
    const names = tableNames("bench");
    await createTables(client, names);
    await createCastoreTable(client, "bench-castore");
    const subjects = [ourStore(client, names.events), rawSdk(client, names.events), castore(client, "bench-castore")];

    // Warm up the JIT, the connection pool and DynamoDB Local before anything is counted.
    for (const s of subjects) for (const w of WORKLOADS) await measure(s, w, 8, 1000, emptyTally());

    const rows: string[][] = [];
    for (const workload of WORKLOADS) {
      for (const writers of WRITERS) {
        const tallies = subjects.map(emptyTally);
        for (const order of ORDERS) {
          for (const i of order) await measure(subjects[i] as Subject, workload, writers, ROUND_MS, tallies[i] as Tally);
        }
        const figures = tallies.map((t) => {
          const sorted = [...t.latencies].sort((a, b) => a - b);
          return { rate: (t.appends / t.ms) * 1000, p50: percentile(sorted, 50), p99: percentile(sorted, 99), conflicts: t.conflicts };
        });
        const [a, b, c] = figures as [(typeof figures)[number], (typeof figures)[number], (typeof figures)[number]];
        rows.push([
          workload,
          String(writers),
          ...[a, b, c].flatMap((x) => [x.rate.toFixed(0), x.p50.toFixed(1), x.p99.toFixed(1), String(x.conflicts)]),
          (a.rate / b.rate).toFixed(2),
          (a.rate / c.rate).toFixed(2),
        ]);
        console.log(`  measured ${workload}, ${writers} writer(s)`);
      }
    }
    const header = [
      "workload",
      "writers",
      ...subjects.flatMap((s) => [`${s.name} /s`, "p50 ms", "p99 ms", "retries"]),
      "a/b",
      "a/c",
    ];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
    const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(" | ");
    console.log("\nAppends of small events on DynamoDB Local, one atomic append per row unit;");
    console.log("a = this store, b = raw SDK sending the same requests, c = Castore's DynamoDB adapter (pushEvent / pushEventGroup).");
    console.log("Hot stream: writers reload the version and retry on a conflict; appends/s counts successes, latency includes retries.\n");
    console.log(line(header));
    console.log(widths.map((w) => "-".repeat(w)).join("-|-"));
    for (const r of rows) console.log(line(r));

    const canned = cannedClient();
    const offline = [ourStore(canned, names.events), rawSdk(canned, names.events), castore(canned, "bench-castore")];
    for (const s of offline) await clientCost(s, 1000);
    const costs: number[] = [];
    for (const s of offline) costs.push(await clientCost(s, 5000));
    canned.destroy();
    console.log("\nClient-side CPU per one-event append (SDK included, transport answering at once, 5,000 appends):");
    console.log(offline.map((s, i) => `${s.name} ${(costs[i] ?? NaN).toFixed(0)} µs`).join(" · "));
  } finally {
    client.destroy();
    await server.stop();
  }
};

await main();
