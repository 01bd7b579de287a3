/**
 * The read side on local servers, in one run: (a) projection throughput (events/s) of every read
 * model that needs only DynamoDB and Redis, applying the same stored events in batches of 100,
 * beside the raw client doing the writes such a projector needs (goal: at least 80% of raw);
 * (b) append-to-visible lag under a steady command load with the stream poller running: from a
 * command's append returning to the cart view showing its version (goal: p99 under 1 s).
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBStreamsClient } from "@aws-sdk/client-dynamodb-streams";
import { DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { isLeft } from "fp-ts/lib/Either.js";
import { Redis } from "ioredis";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { monotonicFactory } from "ulid";
import { LocalPaymentGateway } from "../domain/local-payment-gateway.js";
import { idOf, streams, type StoredEvent } from "../events/index.js";
import { createCommandHandler, type CommandHandler } from "../handlers/commands/handle.js";
import { localAwsConfig, startDynamoDbLocal } from "../local/dynamodb-local.js";
import { startRedis } from "../local/redis.js";
import { createStreamPoller } from "../local/stream-poller.js";
import { bestsellers } from "../projections/bestsellers.js";
import { cartView } from "../projections/cart-view.js";
import { inventoryView } from "../projections/inventory-view.js";
import { orderHistory } from "../projections/order-history.js";
import type { RedisPorts, ViewPorts, ViewsPort } from "../projections/ports.js";
import type { Projection } from "../projections/projection.js";
import { salesByCategory } from "../projections/sales-by-category.js";
import { topRated } from "../projections/top-rated.js";
import { createEventStore, createSnapshotStore, createTables, tableNames } from "../store/index.js";
import { freePort, percentile } from "./measure.js";
import { SHIP_TO } from "../tests/kit/ship-to.js";

type Ports = ViewPorts & RedisPorts;
const BATCH = 100;
const ORDERS = Number(process.env.BENCH_ORDERS ?? 150);
const RATINGS = Number(process.env.BENCH_RATINGS ?? 300);
const LAG_RATE = Number(process.env.BENCH_LAG_RATE ?? 20);
const LAG_SECONDS = Number(process.env.BENCH_LAG_SECONDS ?? 20);
const admin = { actor: "admin:bench", correlationId: "bench" };
const customer = (customerId: string) => ({ actor: `customer:${customerId}`, correlationId: "bench" });

const dynamoServer = await startDynamoDbLocal({ port: await freePort() });
const redisServer = await startRedis({ port: await freePort() });
const client = new DynamoDBClient(localAwsConfig(dynamoServer.endpoint));
const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
let run = 0;
const newId = monotonicFactory();

const freshTables = async (name: string) => {
  const names = tableNames(`bench-${name}-${Date.now()}-${run++}`);
  await createTables(client, names);
  return names;
};
const freshPorts = async (): Promise<Ports> => ({
  views: { client: doc, tableName: (await freshTables("views")).views },
  redis: new Redis(redisServer.url, { keyPrefix: `bench-${run++}:` }),
});

const must = <T>(out: { _tag: "Left"; left: unknown } | { _tag: "Right"; right: T }): T => {
  if (isLeft(out)) throw new Error(JSON.stringify(out.left));
  return out.right;
};

const handlerOn = (names: ReturnType<typeof tableNames>): CommandHandler => {
  const store = createEventStore({ client, tableName: names.events });
  return createCommandHandler({
    store,
    snapshots: createSnapshotStore({ client, tableName: names.events }),
    payments: new LocalPaymentGateway(),
    clock: () => new Date(),
    newId: () => newId(),
    random: Math.random,
  });
};

const addBook = (bookId: string, n: number) => ({
  type: "AddBook" as const,
  bookId,
  title: `Book ${n}`,
  authors: ["A. Writer"],
  isbn: isbn(n),
  category: ["fiction", "history", "science"][n % 3] ?? "fiction",
  description: "A book for the benchmark.",
  priceCents: 1000 + 100 * n,
  currency: "EUR",
});
const isbn = (n: number) => {
  const body = `978${String(100000000 + n).slice(-9)}`;
  const sum = [...body].reduce((s, d, i) => s + Number(d) * (i % 2 === 0 ? 1 : 3), 0);
  return body + String((10 - (sum % 10)) % 10);
};

/** A workload through command handling, so the events are the real ones; returns them in ULID order. */
const prepareEvents = async (): Promise<StoredEvent[]> => {
  const names = await freshTables("workload");
  const commands = handlerOn(names);
  const books = Array.from({ length: 20 }, () => newId());
  for (const [n, bookId] of books.entries()) {
    must(await commands.handle(addBook(bookId, n), admin));
    must(await commands.handle({ type: "ReceiveStock", bookId, quantity: 10_000 }, admin));
  }
  let next = 0;
  const shopper = async () => {
    for (let n = next++; n < ORDERS + RATINGS; n = next++) {
      const customerId = newId();
      if (n >= ORDERS) {
        must(await commands.handle({ type: "RateBook", bookId: books[n % books.length] ?? "", customerId, stars: 1 + (n % 5) }, customer(customerId)));
        continue;
      }
      for (let l = 0; l < 1 + (n % 3); l++) {
        const bookId = books[(n * 7 + l * 3) % books.length] ?? "";
        must(await commands.handle({ type: "AddCartItem", customerId, bookId, quantity: 1 + (n % 2) }, customer(customerId)));
      }
      const orderId = newId();
      must(await commands.handle({ type: "Checkout", shippingAddress: SHIP_TO, customerId, orderId, paymentToken: "tok_visa" }, customer(customerId)));
      if (n % 5 === 0) must(await commands.handle({ type: "CancelOrder", orderId, actor: { role: "customer", customerId } }, customer(customerId)));
    }
  };
  await Promise.all(Array.from({ length: 8 }, shopper));
  const out: StoredEvent[] = [];
  for await (const r of createEventStore({ client, tableName: names.events }).readAll()) out.push(must(r));
  return out;
};

const batches = <T>(items: readonly T[]): T[][] => Array.from({ length: Math.ceil(items.length / BATCH) }, (_, i) => items.slice(i * BATCH, (i + 1) * BATCH));

/** What the views projections need per batch, done with the bare client: per view, one read and one conditional write, 16 views at a time. */
const rawViews = async (views: ViewsPort, events: readonly StoredEvent[]) => {
  const latest = new Map<string, number>();
  for (const e of events) latest.set(e.streamId, Math.max(latest.get(e.streamId) ?? 0, e.version));
  const queue = [...latest];
  const worker = async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
      const [streamId, version] = item;
      const key = { pk: `raw#${streamId}`, sk: "view" };
      const stored = (await views.client.send(new GetCommand({ TableName: views.tableName, Key: key, ConsistentRead: true }))).Item;
      const at = typeof stored?.version === "number" ? stored.version : 0;
      await views.client.send(
        new PutCommand({
          TableName: views.tableName,
          Item: { ...key, version, state: { n: version } },
          ConditionExpression: at === 0 ? "attribute_not_exists(pk)" : "version = :at",
          ...(at === 0 ? {} : { ExpressionAttributeValues: { ":at": at } }),
        }),
      );
    }
  };
  await Promise.all(Array.from({ length: Math.min(16, queue.length) }, worker));
};

/** What the Redis projections need per event, with the bare client: one increment each, in order. */
const rawRedis = async (r: Redis, events: readonly StoredEvent[]) => {
  for (const e of events) await r.zincrby("raw", 1, idOf(e.streamId));
};

const rate = async (events: readonly StoredEvent[], apply: (batch: readonly StoredEvent[]) => Promise<void>) => {
  const started = performance.now();
  for (const batch of batches(events)) await apply(batch);
  return events.length / ((performance.now() - started) / 1000);
};

interface Row {
  readonly name: string;
  readonly events: number;
  readonly projector: number;
  readonly raw: number;
}

const throughput = async (all: readonly StoredEvent[]): Promise<Row[]> => {
  const models: { projection: Projection<Ports>; raw: "views" | "redis" }[] = [
    { projection: cartView, raw: "views" },
    { projection: inventoryView, raw: "views" },
    { projection: orderHistory, raw: "views" },
    { projection: salesByCategory, raw: "redis" },
    { projection: bestsellers, raw: "redis" },
    { projection: topRated, raw: "redis" },
  ];
  const rows: Row[] = [];
  for (const { projection, raw } of models) {
    const types = new Set<string>(projection.eventTypes);
    const events = all.filter((e) => types.has(e.type));
    const projectorPorts = await freshPorts();
    const rawPorts = await freshPorts();
    const rawApply = (b: readonly StoredEvent[]) => (raw === "views" ? rawViews(rawPorts.views, b) : rawRedis(rawPorts.redis, b));
    const projectorRate = await rate(events, (b) => projection.apply(b, projectorPorts));
    const rawRate = await rate(events, rawApply);
    rows.push({ name: projection.name, events: events.length, projector: projectorRate, raw: rawRate });
    projectorPorts.redis.disconnect();
    rawPorts.redis.disconnect();
  }
  return rows;
};

/** Commands at a steady rate with the poller running every projection here; per command, append → view shows its version. */
const lag = async () => {
  const names = await freshTables("lag");
  const commands = handlerOn(names);
  const ports = await freshPorts();
  const views: ViewsPort = { client: doc, tableName: names.views };
  // When the cart view's write for an event has returned, a read sees it: note the moment.
  const visibleAt = new Map<string, number>();
  const watchedCart: Projection<Ports> = {
    ...cartView,
    apply: async (events, p) => {
      await cartView.apply(events, p);
      const now = performance.now();
      for (const e of events) if (!visibleAt.has(`${e.streamId}@${e.version}`)) visibleAt.set(`${e.streamId}@${e.version}`, now);
    },
  };
  const poller = createStreamPoller({
    dynamo: client,
    streams: new DynamoDBStreamsClient(localAwsConfig(dynamoServer.endpoint)),
    eventsTable: names.events,
    projections: [watchedCart, inventoryView, orderHistory, salesByCategory, bestsellers, topRated],
    ports: { ...ports, views },
    idleDelayMs: 20,
  });
  const bookId = newId();
  must(await commands.handle(addBook(bookId, 9999), admin));
  must(await commands.handle({ type: "ReceiveStock", bookId, quantity: 1_000_000 }, admin));
  await poller.catchUp();
  poller.start();
  const customers = Array.from({ length: 50 }, () => newId());
  const lags: number[] = [];
  const pending: Promise<void>[] = [];
  const total = LAG_RATE * LAG_SECONDS;
  const started = performance.now();
  for (let i = 0; i < total; i++) {
    await sleep(Math.max(0, started + (i * 1000) / LAG_RATE - performance.now()));
    pending.push(
      (async () => {
        const customerId = customers[i % customers.length] ?? "";
        const out = must(await commands.handle({ type: "AddCartItem", customerId, bookId, quantity: 1 }, customer(customerId)));
        const appended = performance.now();
        const version = out.versions[streams.cart(customerId)] ?? Infinity;
        const id = `${streams.cart(customerId)}@${version}`;
        while (!visibleAt.has(id)) await sleep(5);
        lags.push(Math.max(0, (visibleAt.get(id) ?? 0) - appended));
      })(),
    );
  }
  await Promise.all(pending);
  const elapsed = (performance.now() - started) / 1000;
  await poller.stop();
  ports.redis.disconnect();
  const sorted = lags.sort((a, b) => a - b);
  return { commands: total, rate: total / elapsed, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? NaN };
};

try {
  const t0 = performance.now();
  const events = await prepareEvents();
  console.log(`workload: ${events.length} events from ${ORDERS} orders and ${RATINGS} ratings in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  // Warm the JVM, Redis and the SDK on a first pass that is not reported.
  await throughput(events.slice(0, 500));
  const rows = await throughput(events);
  console.log(`\n(a) projection throughput, batches of ${BATCH}, DynamoDB Local in memory + Redis`);
  console.log(`${"read model".padEnd(18)} ${"events".padStart(7)} ${"projector/s".padStart(12)} ${"raw/s".padStart(10)} ${"ratio".padStart(7)}   (goal >= 0.80)`);
  for (const r of rows) {
    console.log(`${r.name.padEnd(18)} ${String(r.events).padStart(7)} ${r.projector.toFixed(0).padStart(12)} ${r.raw.toFixed(0).padStart(10)} ${(r.projector / r.raw).toFixed(2).padStart(7)}`);
  }
  const l = await lag();
  console.log(`\n(b) append-to-visible lag (cart view), ${l.commands} commands at ${l.rate.toFixed(1)}/s with the stream poller running 6 projections`);
  console.log(`p50 ${l.p50.toFixed(0)} ms   p99 ${l.p99.toFixed(0)} ms   max ${l.max.toFixed(0)} ms   (goal p99 < 1000 ms)`);
} finally {
  client.destroy();
  await redisServer.stop();
  await dynamoServer.stop();
}
