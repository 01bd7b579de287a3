/**
 * The fulfilment outbox on local servers (DynamoDB Local in memory, ElasticMQ), in one run:
 * (a) messages/s from paid orders' events to the queue, the projection applying stored events
 * in batches of 100 as the event source mapping delivers them, beside a raw SendMessageBatch
 * loop sending the same messages (10 a call, as many calls in flight as the adapter keeps) on
 * the same server (goal: the outbox at least 80% of raw); (b) paid → enqueued lag under a steady
 * checkout load with the stream poller running: from a paid checkout's command returning to
 * SQS acknowledging its FulfilmentRequested (goal: p99 under 1 s), after two seconds' warm-up.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBStreamsClient } from "@aws-sdk/client-dynamodb-streams";
import { SendMessageBatchCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { isLeft } from "fp-ts/lib/Either.js";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { monotonicFactory } from "ulid";
import { LocalPaymentGateway } from "../domain/local-payment-gateway.js";
import type { StoredEvent } from "../events/index.js";
import { createCommandHandler, type CommandHandler } from "../handlers/commands/handle.js";
import { localAwsConfig, startDynamoDbLocal } from "../local/dynamodb-local.js";
import { createQueues, startElasticMq } from "../local/elasticmq.js";
import { createStreamPoller } from "../local/stream-poller.js";
import { fulfilmentRequests } from "../projections/fulfilment-requests.js";
import type { MessageQueue, QueueMessage } from "../projections/message-queue.js";
import { planCalls, sqsClientFor, sqsQueue } from "../projections/sqs-queue.js";
import { createEventStore, createSnapshotStore, createTables, tableNames } from "../store/index.js";
import { freePort, percentile, processCpuSeconds } from "./measure.js";
import { SHIP_TO } from "../tests/kit/ship-to.js";

const BATCH = 100;
const ORDERS = Number(process.env.BENCH_ORDERS ?? 600);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const LAG_RATE = Number(process.env.BENCH_LAG_RATE ?? 5);
const LAG_SECONDS = Number(process.env.BENCH_LAG_SECONDS ?? 20);
const CONCURRENCY = 4;
const admin = { actor: "admin:bench", correlationId: "bench" };
const customer = (customerId: string) => ({ actor: `customer:${customerId}`, correlationId: "bench" });

const dynamoServer = await startDynamoDbLocal({ port: await freePort() });
const sqsServer = await startElasticMq({ port: await freePort() });
const client = new DynamoDBClient(localAwsConfig(dynamoServer.endpoint));
const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
const sqs: SQSClient = sqsClientFor(sqsServer.endpoint);
const newId = monotonicFactory();
let run = 0;

const must = <T>(out: { _tag: "Left"; left: unknown } | { _tag: "Right"; right: T }): T => {
  if (isLeft(out)) throw new Error(JSON.stringify(out.left));
  return out.right;
};
const freshTables = async (name: string) => {
  const names = tableNames(`bench-${name}-${Date.now()}-${run++}`);
  await createTables(client, names);
  return names;
};
const freshQueue = async (): Promise<string> => (await createQueues(sqs, `bench-${Date.now()}-${run++}`)).fulfilment;

const handlerOn = (names: ReturnType<typeof tableNames>): CommandHandler =>
  createCommandHandler({
    store: createEventStore({ client, tableName: names.events }),
    snapshots: createSnapshotStore({ client, tableName: names.events }),
    payments: new LocalPaymentGateway(),
    clock: () => new Date(),
    newId: () => newId(),
    random: Math.random,
  });

const isbn = (n: number) => {
  const body = `978${String(100000000 + n).slice(-9)}`;
  const sum = [...body].reduce((s, d, i) => s + Number(d) * (i % 2 === 0 ? 1 : 3), 0);
  return body + String((10 - (sum % 10)) % 10);
};
const addBook = (bookId: string, n: number) => ({
  type: "AddBook" as const,
  bookId,
  title: `Book ${n}`,
  authors: ["A. Writer"],
  isbn: isbn(n),
  category: "fiction",
  description: "A book for the benchmark.",
  priceCents: 1000 + 100 * n,
  currency: "EUR",
});

const stockedBooks = async (commands: CommandHandler, count: number) => {
  const books = Array.from({ length: count }, () => newId());
  for (const [n, bookId] of books.entries()) {
    must(await commands.handle(addBook(bookId, n), admin));
    must(await commands.handle({ type: "ReceiveStock", bookId, quantity: 1_000_000 }, admin));
  }
  return books;
};

/** One paid checkout of 1-3 lines; every fifth is cancelled after. */
const checkout = async (commands: CommandHandler, books: readonly string[], n: number, cancel: boolean) => {
  const customerId = newId();
  for (let l = 0; l < 1 + (n % 3); l++) {
    must(await commands.handle({ type: "AddCartItem", customerId, bookId: books[(n * 7 + l * 3) % books.length] ?? "", quantity: 1 + (n % 2) }, customer(customerId)));
  }
  const orderId = newId();
  must(await commands.handle({ type: "Checkout", shippingAddress: SHIP_TO, customerId, orderId, paymentToken: "tok_visa" }, customer(customerId)));
  if (cancel && n % 5 === 0) must(await commands.handle({ type: "CancelOrder", orderId, actor: { role: "customer", customerId } }, customer(customerId)));
  return orderId;
};

/** Paid orders through command handling, so the events are the real ones: the order streams' events in ULID order. */
const prepareEvents = async (): Promise<StoredEvent[]> => {
  const names = await freshTables("workload");
  const commands = handlerOn(names);
  const books = await stockedBooks(commands, 20);
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let n = next++; n < ORDERS; n = next++) await checkout(commands, books, n, true);
    }),
  );
  const out: StoredEvent[] = [];
  for await (const r of createEventStore({ client, tableName: names.events }).readAll()) out.push(must(r));
  return out.filter((e) => e.streamId.startsWith("order#"));
};

const batches = <T>(items: readonly T[]): T[][] => Array.from({ length: Math.ceil(items.length / BATCH) }, (_, i) => items.slice(i * BATCH, (i + 1) * BATCH));

/** A queue that records what went through it, to send the very same messages raw. */
const recording = (inner: MessageQueue, sent: QueueMessage[][]): MessageQueue => ({
  send: async (messages, acknowledged) => {
    await inner.send(messages, acknowledged);
    if (messages.length > 0) sent.push([...messages]);
  },
});

/** The outbox over every batch: messages/s, and the messages of each batch. */
const outboxRound = async (events: readonly StoredEvent[]) => {
  const views = { client: doc, tableName: (await freshTables("views")).views };
  const sent: QueueMessage[][] = [];
  const queue = recording(sqsQueue({ client: sqs, queue: { url: await freshQueue() }, concurrency: CONCURRENCY }), sent);
  const started = performance.now();
  for (const batch of batches(events)) await fulfilmentRequests.apply(batch, { views, queues: { fulfilment: queue } });
  const seconds = (performance.now() - started) / 1000;
  return { rate: sent.flat().length / seconds, sent };
};

/** The same messages, each batch's in SendMessageBatch calls of 10, CONCURRENCY in flight: the bare client. */
const rawRound = async (sent: readonly QueueMessage[][]) => {
  const QueueUrl = await freshQueue();
  const started = performance.now();
  for (const messages of sent) {
    const calls = planCalls(messages).flat();
    const worker = async () => {
      for (let call = calls.shift(); call !== undefined; call = calls.shift()) {
        const out = await sqs.send(
          new SendMessageBatchCommand({
            QueueUrl,
            Entries: call.map((m, i) => ({ Id: `m${i}`, MessageBody: m.body, MessageGroupId: m.groupId, MessageDeduplicationId: m.deduplicationId })),
          }),
        );
        if ((out.Failed ?? []).length > 0) throw new Error(`raw send failed: ${JSON.stringify(out.Failed)}`);
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, calls.length) }, worker));
  }
  return sent.flat().length / ((performance.now() - started) / 1000);
};

/** Paid checkouts at a steady rate with the poller running the outbox; per order, checkout returned → SQS acknowledged its request. */
const lag = async () => {
  const names = await freshTables("lag");
  const commands = handlerOn(names);
  const books = await stockedBooks(commands, 20);
  // The projector's own clients, as a Lambda has: its reads never queue behind the checkouts' sockets.
  const projectorDynamo = new DynamoDBClient(localAwsConfig(dynamoServer.endpoint));
  const projectorSqs = sqsClientFor(sqsServer.endpoint);
  const enqueuedAt = new Map<string, number>();
  const inner = sqsQueue({ client: projectorSqs, queue: { url: await freshQueue() }, concurrency: CONCURRENCY });
  const queue: MessageQueue = {
    send: async (messages, acknowledged) => {
      await inner.send(messages, acknowledged);
      const now = performance.now();
      for (const m of messages) if (m.body.includes('"FulfilmentRequested"') && !enqueuedAt.has(m.groupId)) enqueuedAt.set(m.groupId, now);
    },
  };
  const poller = createStreamPoller({
    dynamo: projectorDynamo,
    streams: new DynamoDBStreamsClient(localAwsConfig(dynamoServer.endpoint)),
    eventsTable: names.events,
    projections: [fulfilmentRequests],
    ports: { views: { client: DynamoDBDocumentClient.from(projectorDynamo, { marshallOptions: { removeUndefinedValues: true } }), tableName: names.views }, queues: { fulfilment: queue } },
    idleDelayMs: 20,
  });
  await poller.catchUp();
  poller.start();
  const lags: number[] = [];
  const pending: Promise<void>[] = [];
  // The first two seconds' checkouts warm the path (V8, the poller's shard iterators) and are not counted.
  const warmUp = LAG_RATE * 2;
  const total = warmUp + LAG_RATE * LAG_SECONDS;
  const started = performance.now();
  for (let i = 0; i < total; i++) {
    await sleep(Math.max(0, started + (i * 1000) / LAG_RATE - performance.now()));
    pending.push(
      (async () => {
        const orderId = await checkout(commands, books, i, false);
        const paid = performance.now();
        while (!enqueuedAt.has(orderId)) await sleep(5);
        if (i >= warmUp) lags.push(Math.max(0, (enqueuedAt.get(orderId) ?? 0) - paid));
      })(),
    );
  }
  await Promise.all(pending);
  const elapsed = (performance.now() - started) / 1000;
  await poller.stop();
  projectorDynamo.destroy();
  projectorSqs.destroy();
  const sorted = lags.sort((a, b) => a - b);
  return { orders: lags.length, rate: total / elapsed, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? NaN };
};

try {
  const t0 = performance.now();
  const events = await prepareEvents();
  console.log(`workload: ${events.length} order events from ${ORDERS} paid orders (every fifth then cancelled) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  // Warm the JVMs and the SDK on a pass of each that is not reported; it also gives the messages the raw loop sends.
  const { sent } = await outboxRound(events);
  await rawRound(sent);
  const messages = sent.flat().length;
  const cpu0 = { dynamo: processCpuSeconds(dynamoServer.pid), sqs: processCpuSeconds(sqsServer.pid), self: process.cpuUsage() };
  const outbox: number[] = [];
  const raw: number[] = [];
  // Turns in alternating order, so a slower spell of the machine falls on both.
  for (let r = 0; r < ROUNDS; r++) {
    if (r % 2 === 0) {
      outbox.push((await outboxRound(events)).rate);
      raw.push(await rawRound(sent));
    } else {
      raw.push(await rawRound(sent));
      outbox.push((await outboxRound(events)).rate);
    }
  }
  const best = (xs: readonly number[]) => Math.max(...xs);
  console.log(`\n(a) paid orders → queue, batches of ${BATCH} events, ${messages} messages a round (FulfilmentRequested and FulfilmentCancelled), ${ROUNDS} rounds`);
  console.log(`outbox  ${best(outbox).toFixed(0).padStart(6)} messages/s   rounds ${outbox.map((x) => x.toFixed(0)).join(", ")}`);
  console.log(`raw     ${best(raw).toFixed(0).padStart(6)} messages/s   rounds ${raw.map((x) => x.toFixed(0)).join(", ")}   (SendMessageBatch of 10, ${CONCURRENCY} calls in flight)`);
  console.log(`ratio   ${(best(outbox) / best(raw)).toFixed(2)}   (goal >= 0.80)`);
  const self = process.cpuUsage(cpu0.self);
  const dyn = (processCpuSeconds(dynamoServer.pid) ?? NaN) - (cpu0.dynamo ?? NaN);
  const mq = (processCpuSeconds(sqsServer.pid) ?? NaN) - (cpu0.sqs ?? NaN);
  console.log(`CPU over the rounds: this process ${((self.user + self.system) / 1e6).toFixed(1)} s, DynamoDB Local ${dyn.toFixed(1)} s, ElasticMQ ${mq.toFixed(1)} s (two cores shared)`);

  const l = await lag();
  console.log(`\n(b) paid → enqueued lag, ${l.orders} paid checkouts at ${l.rate.toFixed(1)}/s with the stream poller running the outbox`);
  console.log(`p50 ${l.p50.toFixed(0)} ms   p99 ${l.p99.toFixed(0)} ms   max ${l.max.toFixed(0)} ms   (goal p99 < 1000 ms)`);
} finally {
  sqs.destroy();
  client.destroy();
  await sqsServer.stop();
  await dynamoServer.stop();
}
