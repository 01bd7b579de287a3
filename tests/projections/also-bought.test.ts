import { Redis } from "ioredis";
import { ulid } from "ulid";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { readInThisThread } from "../../cli/replay-batches.js";
import { runRebuild } from "../../cli/rebuild-run.js";
import { streams, type StoredEvent } from "../../events/index.js";
import { alsoBought, alsoBoughtWith, type CoPurchase } from "../../projections/also-bought.js";
import { readGeneration } from "../../projections/generations.js";
import type { ViewsPort } from "../../projections/ports.js";
import { addBook, asAdmin, asCustomer, freshCommands, ok, type CommandsFixture } from "../support/commands-fixture.js";
import { collect, type MemoryStoreFixture } from "../support/event-store-fixture.js";
import { freshViews } from "../support/projections-fixture.js";
import { dumpRedis } from "../support/read-model-dump.js";
import { SHIP_TO } from "../kit/ship-to.js";

const BOOKS = 13;
const ORDERS = 200;

interface Order {
  readonly orderId: string;
  /** Its distinct books. */
  readonly books: readonly string[];
  /** The payment was declined: never paid. */
  readonly declined: boolean;
  /** Paid, then cancelled by its customer. */
  readonly cancelled: boolean;
}

const clients: Redis[] = [];
afterAll(() => clients.forEach((c) => c.disconnect()));

let views: ViewsPort;

/** An empty read model: a Redis client whose keys are all under a prefix of their own. */
const freshRedis = () => {
  const prefix = `test-also-${ulid()}:`;
  const redis = new Redis(inject("redisUrl"), { keyPrefix: prefix });
  clients.push(redis);
  // The views table holds only the generation pointer, which these models never move.
  return { redis, prefix, views };
};
type Model = ReturnType<typeof freshRedis>;

/** A model with these events applied, in batches of the projector's size. */
const modelOf = async (events: readonly StoredEvent[]): Promise<Model> => {
  const model = freshRedis();
  for (let i = 0; i < events.length; i += alsoBought.batch.batchSize) await alsoBought.apply(events.slice(i, i + alsoBought.batch.batchSize), model);
  return model;
};

const dump = (model: Model) => dumpRedis(inject("redisUrl"), model.prefix);
/** The books' pair sets alone, without the orders' own records. */
const pairSets = async (model: Model) => Object.fromEntries(Object.entries(await dump(model)).filter(([key]) => !key.startsWith("also-bought:order:")));

/** The pairs the orders make, counted here from what the test bought, not from any event. */
const expectedPairs = (orders: readonly Order[]) => {
  const pairs = new Map<string, Map<string, number>>();
  for (const o of orders) {
    if (o.declined || o.cancelled) continue;
    for (const a of o.books) {
      for (const b of o.books) {
        if (a === b) continue;
        const of = pairs.get(a) ?? new Map<string, number>();
        of.set(b, (of.get(b) ?? 0) + 1);
        pairs.set(a, of);
      }
    }
  }
  return pairs;
};

/** A book's co-purchases as the query must answer them: most first, then by book id ascending (byte order, as Redis compares). */
const ranked = (pairs: ReadonlyMap<string, ReadonlyMap<string, number>>, bookId: string, limit: number): CoPurchase[] =>
  [...(pairs.get(bookId) ?? new Map<string, number>())]
    .map(([other, count]) => ({ bookId: other, count }))
    .sort((x, y) => y.count - x.count || (x.bookId < y.bookId ? -1 : 1))
    .slice(0, limit);

let f: CommandsFixture<MemoryStoreFixture>;
let books: string[];
let orders: Order[];
/** Every event the projection handles, in the order of the store's history. */
let events: StoredEvent[];

beforeAll(async () => {
  f = await freshCommands("also-bought", {}, "memory");
  views = await freshViews("also-bought");
  books = Array.from({ length: BOOKS }, () => ulid());
  for (const bookId of books) {
    ok(await f.commands.handle(addBook(bookId), asAdmin));
    ok(await f.commands.handle({ type: "ReceiveStock", bookId, quantity: 10_000 }, asAdmin));
  }
  orders = [];
  for (let i = 0; i < ORDERS; i++) {
    // One to four books chosen by i (picks may land on the same book).
    const picks = [i % BOOKS, (Math.floor(i / BOOKS) + 2 * i + 1) % BOOKS];
    if (i % 3 === 0) picks.push((i * 7 + 4) % BOOKS);
    if (i % 4 === 1) picks.push(Math.floor(i / 7) % BOOKS);
    const chosen = [...new Set(picks)].map((p) => books[p]!);
    const customerId = ulid();
    const orderId = ulid();
    // Copies vary, so a count by quantity would show.
    for (const bookId of chosen) ok(await f.commands.handle({ type: "AddCartItem", customerId, bookId, quantity: 1 + (i % 3) }, asCustomer(customerId)));
    const declined = i % 19 === 7;
    ok(await f.commands.handle({ type: "Checkout", shippingAddress: SHIP_TO, customerId, orderId, paymentToken: declined ? "tok_declined" : "tok_visa" }, asCustomer(customerId)));
    const cancelled = !declined && i % 10 === 3;
    if (cancelled) ok(await f.commands.handle({ type: "CancelOrder", orderId, actor: { role: "customer", customerId } }, asCustomer(customerId)));
    orders.push({ orderId, books: chosen, declined, cancelled });
  }
  const ours = new Set<string>(alsoBought.eventTypes);
  events = (await collect(f.store.readAll())).flatMap((r) => (r._tag === "Right" && ours.has(r.right.type) ? [r.right] : []));
}, 300_000);

const ofOrder = (orderId: string) => (e: StoredEvent) => e.streamId === streams.order(orderId);

describe("also-bought", () => {
  it("counts each pair of books once per paid order, the most first, equal counts by book id", async () => {
    const model = await modelOf(events);
    const pairs = expectedPairs(orders);
    // The orders are made so that answers are cut at 10, some between books of equal counts.
    const counts = (b: string) => [...(pairs.get(b)?.values() ?? [])].sort((x, y) => y - x);
    expect(books.filter((b) => counts(b).length > 10).length).toBeGreaterThan(BOOKS / 2);
    expect(books.some((b) => counts(b).length > 10 && counts(b)[9] === counts(b)[10])).toBe(true);
    for (const b of books) {
      expect(await alsoBoughtWith(model.redis, b), b).toEqual(ranked(pairs, b, 10));
      expect(await alsoBoughtWith(model.redis, b, 100), b).toEqual(ranked(pairs, b, 100));
    }
    expect(await alsoBoughtWith(model.redis, ulid())).toEqual([]);
  });

  it("changes nothing when every event is delivered twice, or the whole history again", async () => {
    const once = await modelOf(events);
    const twice = await modelOf(events.flatMap((e) => [e, e]));
    expect(await dump(twice)).toEqual(await dump(once));
    for (let i = 0; i < events.length; i += 100) await alsoBought.apply(events.slice(i, i + 100), twice);
    expect(await dump(twice)).toEqual(await dump(once));
  });

  it("takes exactly a cancelled order's pairs back out, and no more", async () => {
    const order = orders.find((o) => o.cancelled && o.books.length >= 3)!;
    expect(order).toBeDefined();
    const cancellation = events.find((e) => ofOrder(order.orderId)(e) && e.type === "OrderCancelled")!;
    const model = await modelOf(events.filter((e) => e !== cancellation));
    // Before its cancellation the order counts, as paid.
    const asPaid = expectedPairs(orders.map((o) => (o === order ? { ...o, cancelled: false } : o)));
    for (const b of books) expect(await alsoBoughtWith(model.redis, b, 100), b).toEqual(ranked(asPaid, b, 100));

    await alsoBought.apply([cancellation], model);
    const pairs = expectedPairs(orders);
    for (const b of books) expect(await alsoBoughtWith(model.redis, b, 100), b).toEqual(ranked(pairs, b, 100));
    // As if the order had never been placed: no pair left at zero, no set left empty.
    expect(await pairSets(model)).toEqual(await pairSets(await modelOf(events.filter((e) => !ofOrder(order.orderId)(e)))));
  });

  it("counts nothing of an order that was never paid", async () => {
    const unpaid = orders.filter((o) => o.declined);
    expect(unpaid.filter((o) => o.books.length >= 2).length).toBeGreaterThan(0);
    // A declined order is placed, refused and cancelled: its events reach the projection.
    expect(events.filter((e) => ofOrder(unpaid[0]!.orderId)(e)).map((e) => e.type)).toEqual(expect.arrayContaining(["OrderPlaced", "OrderPaymentFailed"]));
    const without = await modelOf(events.filter((e) => !unpaid.some((o) => ofOrder(o.orderId)(e))));
    expect(await pairSets(await modelOf(events))).toEqual(await pairSets(without));
  });

  it("rebuilt by replay into a new generation, answers as the live model did", async () => {
    // A views table of its own: the rebuild moves this one's pointer.
    const live = { ...freshRedis(), views: await freshViews("also-bought-rebuild") };
    for (let i = 0; i < events.length; i += alsoBought.batch.batchSize) await alsoBought.apply(events.slice(i, i + alsoBought.batch.batchSize), live);
    const before = await Promise.all(books.map((b) => alsoBoughtWith(live.redis, b, 100)));
    const dumped = await dump(live);

    const run = await runRebuild({ projection: alsoBought, read: readInThisThread(f.store), ports: live, graceMs: 0 });
    expect(run).toMatchObject({ stopped: false, from: 0, to: 1 });
    expect(await readGeneration(live.views, alsoBought.name)).toBe(1);
    // Readers follow the pointer to generation 1, which holds the same answers.
    expect(await Promise.all(books.map((b) => alsoBoughtWith(live.redis, b, 100)))).toEqual(before);
    const rebuilt = await dump(live);
    // Generation 0 is dropped; what is left is generation 1 and its pointer.
    expect(Object.keys(rebuilt).filter((k) => !k.startsWith("gen:also-bought:1:") && k !== "generation:also-bought")).toEqual([]);
    const unprefixed = Object.fromEntries(Object.entries(rebuilt).flatMap(([k, v]) => (k.startsWith("gen:also-bought:1:") ? [[k.slice("gen:also-bought:1:".length), v]] : [])));
    expect(unprefixed).toEqual(dumped);
  }, 120_000);
});
