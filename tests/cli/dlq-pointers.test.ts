import { BatchWriteItemCommand, DescribeTableCommand, DynamoDBClient, ScanCommand, type AttributeValue } from "@aws-sdk/client-dynamodb";
import { DescribeStreamCommand } from "@aws-sdk/client-dynamodb-streams";
import { DeleteQueueCommand } from "@aws-sdk/client-sqs";
import { Redis } from "ioredis";
import { ulid } from "ulid";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { streamId } from "../../events/index.js";
import { freePort } from "../../bench/measure.js";
import { localAwsConfig, startDynamoDbLocal, type RunningServer } from "../../local/dynamodb-local.js";
import { createFailureQueues } from "../../local/elasticmq.js";
import { createStreamPoller } from "../../local/stream-poller.js";
import { dailySales, deadLetters, type RedisPorts, type ViewPorts } from "../../projections/index.js";
import { salesByCategory } from "../../projections/sales-by-category.js";
import { sqsClientFor } from "../../projections/sqs-queue.js";
import { decodeStreamBatchFailure, sqsFailureDestination } from "../../projections/stream-failures.js";
import { createEventStore, createTables, tableNames } from "../../store/index.js";
import { peekQueue } from "../../cli/queue-peek.js";
import { bookAdded, meta } from "../support/event-store-fixture.js";
import { freshViews, streamsClient } from "../support/projections-fixture.js";
import { dynamoDbEndpoint } from "../support/servers.js";
import { runCli, type CliTarget } from "../support/run-cli.js";

const sqs = sqsClientFor(inject("sqsEndpoint"));
const queuePrefix = `dlq-pointers-${ulid().toLowerCase()}`;
// The events table whose stream the projector reads lives on a DynamoDB Local of its own, so that its stream can go for good.
let streamServer: RunningServer;
let streamClient: DynamoDBClient;
let events: ReturnType<typeof tableNames>;
let store: ReturnType<typeof createEventStore>;
let ports: ViewPorts & RedisPorts;
let failureQueueUrl: string;
let redisPrefix: string;
const [knownBook, unknownBook] = [ulid(), ulid()];

const line = (bookId: string, quantity: number, unitPriceCents: number) => ({ bookId, title: "A title", quantity, unitPriceCents, lineTotalCents: quantity * unitPriceCents });
/** A placed and paid order of one line, appended as its command would have. */
const paidOrder = async (bookId: string, quantity: number, unitPriceCents: number) => {
  const orderId = ulid();
  const total = quantity * unitPriceCents;
  const appended = await store.append([
    {
      streamId: streamId("order", orderId),
      expectedVersion: 0,
      events: [
        {
          type: "OrderPlaced",
          data: { orderId, customerId: "c-1", lines: [line(bookId, quantity, unitPriceCents)], itemCount: quantity, totalCents: total, currency: "EUR", placedAt: new Date().toISOString(), shippingAddress: null },
          meta: meta(ulid()),
        },
        { type: "OrderPaid", data: { orderId, paymentId: ulid(), amountCents: total, currency: "EUR" }, meta: meta(ulid()) },
      ] as never,
    },
  ]);
  if (appended._tag === "Left" || appended.right.kind !== "Appended") throw new Error("append failed");
  return appended.right.events[1]!.occurredAt.slice(0, 10);
};
const addBook = (store: ReturnType<typeof createEventStore>, bookId: string, category: string) =>
  store.append([{ streamId: streamId("book", bookId), expectedVersion: 0, events: [{ ...bookAdded(bookId), data: { ...bookAdded(bookId).data, category } } as never] }]);

beforeAll(async () => {
  streamServer = await startDynamoDbLocal({ port: await freePort() });
  streamClient = new DynamoDBClient(localAwsConfig(streamServer.endpoint));
  events = tableNames(`dlq-pointers-${ulid().toLowerCase()}`);
  await createTables(streamClient, events);
  store = createEventStore({ client: streamClient, tableName: events.events });
  redisPrefix = `dlq-pointers-${ulid()}:`;
  ports = { views: await freshViews("dlq-pointers"), redis: new Redis(inject("redisUrl"), { keyPrefix: redisPrefix }) };
  failureQueueUrl = (await createFailureQueues(sqs, queuePrefix, [salesByCategory.name]))[salesByCategory.name]!;
}, 120_000);
afterAll(async () => {
  ports.redis.disconnect();
  streamClient.destroy();
  await streamServer.stop();
  await sqs.send(new DeleteQueueCommand({ QueueUrl: failureQueueUrl })).catch(() => undefined);
  sqs.destroy();
});

describe("dead letters that survive the stream", () => {
  it("points to what failed in the on-failure queue as Lambda does, and redrives it from the event store once the stream is gone", async () => {
    await addBook(store, knownBook, "poetry");
    // Sold before anyone told the catalogue of the book: the projection cannot file it under a category.
    const day = await paidOrder(unknownBook, 2, 1299);
    await paidOrder(knownBook, 1, 800);
    const errors: unknown[] = [];
    const streams = streamsClient(streamServer.endpoint);
    await createStreamPoller({
      dynamo: streamClient,
      streams,
      eventsTable: events.events,
      projections: [salesByCategory],
      ports,
      retryDelayMs: 1,
      failures: () => sqsFailureDestination(sqs, failureQueueUrl),
      onError: (e) => errors.push(e),
    }).catchUp();

    // The pointer, in the format of Lambda's on-failure destination; the record itself is not in the views table.
    const waiting = await peekQueue(sqs, failureQueueUrl);
    expect(waiting).toHaveLength(1);
    const pointer = decodeStreamBatchFailure(waiting[0]!.body);
    if ("error" in pointer) throw new Error(pointer.error);
    const streamArn = (await streamClient.send(new DescribeTableCommand({ TableName: events.events }))).Table?.LatestStreamArn;
    expect(pointer).toMatchObject({
      requestContext: { condition: "RetryAttemptsExhausted" },
      DDBStreamBatchInfo: { batchSize: 1, streamArn, startSequenceNumber: expect.stringMatching(/^\d+$/) },
    });
    expect(pointer.DDBStreamBatchInfo.endSequenceNumber).toBe(pointer.DDBStreamBatchInfo.startSequenceNumber);
    expect(await deadLetters(ports.views).list(salesByCategory.name)).toEqual([]);
    expect(String(errors[0])).toMatch(/no category known/);
    expect(await dailySales(ports.redis, day, day)).toEqual([{ day, category: "poetry", currency: "EUR", units: 1, revenueCents: 800 }]);

    // A week later the stream's records are gone (DynamoDB keeps them 24 hours, a deleted table's too): here the
    // server holding the table and its stream goes, and the events live on in a restored copy.
    const suite = new DynamoDBClient(localAwsConfig(dynamoDbEndpoint()));
    const restored = tableNames(`dlq-restored-${ulid().toLowerCase()}`);
    await createTables(suite, restored);
    let start: Record<string, AttributeValue> | undefined;
    do {
      const page = await streamClient.send(new ScanCommand({ TableName: events.events, ExclusiveStartKey: start }));
      const items = page.Items ?? [];
      for (let i = 0; i < items.length; i += 25) {
        await suite.send(new BatchWriteItemCommand({ RequestItems: { [restored.events]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) } }));
      }
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
    await streamServer.stop();
    await expect(streams.send(new DescribeStreamCommand({ StreamArn: pointer.DDBStreamBatchInfo.streamArn }))).rejects.toThrow();
    streams.destroy();

    const target: CliTarget = { eventsTable: restored.events, viewsTable: ports.views.tableName, redisPrefix, queuePrefix };
    const listed = await runCli(["dlq", "list", "sales-by-category"], target);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(`${pointer.DDBStreamBatchInfo.shardId}  ${pointer.DDBStreamBatchInfo.startSequenceNumber}..`);
    expect(listed.stderr).toMatch(/0 dead letter\(s\), 1 failure pointer\(s\)/);

    // Before the fix the redrive fails again and keeps the pointer.
    const early = await runCli(["dlq", "redrive", "sales-by-category"], target);
    expect(early.code).toBe(1);
    expect(early.stdout).toMatch(/pointers redriven 0 .*still failing 1/);
    expect(await peekQueue(sqs, failureQueueUrl)).toHaveLength(1);

    // The fix: the book's BookAdded, late, which the projector applies as it arrives. Then the redrive reads the
    // window's events again; the order it had applied before is not counted twice.
    const restoredStore = createEventStore({ client: suite, tableName: restored.events });
    await addBook(restoredStore, unknownBook, "classics");
    const loaded = await restoredStore.loadStream(streamId("book", unknownBook));
    if (loaded._tag === "Left") throw new Error("the book does not load");
    await salesByCategory.apply(loaded.right.events, ports);
    const redriven = await runCli(["dlq", "redrive", "sales-by-category"], target);
    expect(redriven.stderr).toBe("");
    expect(redriven.stdout).toMatch(/pointers redriven 1 \(\d+ event\(s\) applied again\), still failing 0/);
    expect(redriven.code).toBe(0);
    expect(await peekQueue(sqs, failureQueueUrl)).toEqual([]);
    expect(await dailySales(ports.redis, day, day)).toEqual(
      expect.arrayContaining([
        { day, category: "classics", currency: "EUR", units: 2, revenueCents: 2598 },
        { day, category: "poetry", currency: "EUR", units: 1, revenueCents: 800 },
      ]),
    );
    expect(await dailySales(ports.redis, day, day)).toHaveLength(2);
    suite.destroy();
  }, 180_000);
});
