import { Redis } from "ioredis";
import { ulid } from "ulid";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { streamId } from "../../events/index.js";
import { createStreamPoller } from "../../local/stream-poller.js";
import { dailySales, deadLetters, type RedisPorts, type ViewPorts } from "../../projections/index.js";
import { salesByCategory } from "../../projections/sales-by-category.js";
import { freshCommands, type CommandsFixture } from "../support/commands-fixture.js";
import { bookAdded, meta } from "../support/event-store-fixture.js";
import { documentClient, streamsClient } from "../support/projections-fixture.js";
import { runCli, type CliTarget } from "../support/run-cli.js";

let f: CommandsFixture;
let ports: ViewPorts & RedisPorts;
let target: CliTarget;
let paidDay: string;
const bookId = ulid();
const orderId = ulid();
const poll = () =>
  createStreamPoller({ dynamo: f.client, streams: streamsClient(), eventsTable: f.names.events, projections: [salesByCategory], ports, retryDelayMs: 1 }).catchUp();

beforeAll(async () => {
  f = await freshCommands("cli-dlq");
  const redisPrefix = `cli-dlq-${ulid()}:`;
  ports = { views: { client: documentClient(f.client), tableName: f.names.views }, redis: new Redis(inject("redisUrl"), { keyPrefix: redisPrefix }) };
  target = { eventsTable: f.names.events, viewsTable: f.names.views, redisPrefix };
  // An order of a book the projection has never seen added (its BookAdded comes later, as after a faulty import).
  const line = { bookId, title: "Middlemarch", quantity: 2, unitPriceCents: 1299, lineTotalCents: 2598 };
  const placed = await f.store.append([
    {
      streamId: streamId("order", orderId),
      expectedVersion: 0,
      events: [
        { type: "OrderPlaced", data: { orderId, customerId: "c-1", lines: [line], itemCount: 2, totalCents: 2598, currency: "EUR", placedAt: new Date().toISOString(), shippingAddress: null }, meta: meta("c1") },
        { type: "OrderPaid", data: { orderId, paymentId: "p-1", amountCents: 2598, currency: "EUR" }, meta: meta("c2") },
        { type: "OrderShipped", data: { orderId }, meta: meta("c3") },
      ] as never,
    },
  ]);
  if (placed._tag === "Left" || placed.right.kind !== "Appended") throw new Error("append failed");
  paidDay = placed.right.events[1]!.occurredAt.slice(0, 10);
  await poll();
}, 300_000);
afterAll(() => ports.redis.disconnect());

describe("bookstore dlq", () => {
  it("lists the records the projection could not apply", async () => {
    const run = await runCli(["dlq", "list", "sales-by-category"], target);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`order#${orderId}|2`);
    expect(run.stdout).toMatch(/no category known/);
  });

  it("redrive before the fix leaves what still fails, with exit code 1", async () => {
    const before = (await deadLetters(ports.views).list("sales-by-category")).length;
    const run = await runCli(["dlq", "redrive", "sales-by-category"], target);
    expect(run.code).toBe(1);
    expect((await deadLetters(ports.views).list("sales-by-category")).length).toBe(before);
  });

  it("redrive after the fix empties the dead letters and the sale is reported", async () => {
    await f.store.append([{ streamId: streamId("book", bookId), expectedVersion: 0, events: [{ ...bookAdded(bookId), data: { ...bookAdded(bookId).data, category: "classics" } } as never] }]);
    await poll();
    const run = await runCli(["dlq", "redrive", "sales-by-category"], target);
    expect(run.stdout).toMatch(/redriven [1-9]\d*, still failing 0/);
    expect(run.code).toBe(0);
    expect(await deadLetters(ports.views).list("sales-by-category")).toEqual([]);
    const today = paidDay;
    expect(await dailySales(ports.redis, today, today)).toEqual([{ day: today, category: "classics", currency: "EUR", units: 2, revenueCents: 2598 }]);
    const report = await runCli(["report", "sales-by-category", "--from", today, "--to", today, "--csv"], target);
    expect(report.stdout).toBe(`day,category,currency,units,revenue\n${today},classics,EUR,2,25.98\n`);
  }, 120_000);
});
