import { Redis } from "ioredis";
import { ulid } from "ulid";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { streams, type StoredEvent } from "../../events/index.js";
import { dailySales, salesByCategory, UnknownBookCategory } from "../../projections/sales-by-category.js";
import { EventOutOfOrder } from "../../projections/stream-view.js";
import { addBook, asAdmin, asCustomer, freshCommands, ok, type CommandsFixture } from "../support/commands-fixture.js";
import { collect, type MemoryStoreFixture } from "../support/event-store-fixture.js";
import { freshViews } from "../support/projections-fixture.js";
import { dumpRedis } from "../support/read-model-dump.js";
import { readModelContract } from "../support/read-model-contract.js";
import { SHIP_TO } from "../kit/ship-to.js";

const clients: Redis[] = [];
afterAll(() => clients.forEach((c) => c.disconnect()));

/** An empty read model: a Redis client whose keys are all under a prefix of their own. */
const freshPorts = async () => {
  const prefix = `test-sales-${ulid()}:`;
  const redis = new Redis(inject("redisUrl"), { keyPrefix: prefix });
  clients.push(redis);
  return { views: await freshViews("sales"), redis, prefix };
};
const dump = ({ prefix }: { prefix: string }) => dumpRedis(inject("redisUrl"), prefix);

/** Yesterday to tomorrow, so a test run over midnight still finds its day. */
const around = (now = Date.now()) => [new Date(now - 86_400_000), new Date(now + 86_400_000)].map((d) => d.toISOString().slice(0, 10)) as [string, string];

readModelContract({
  projection: salesByCategory,
  freshPorts,
  streamsOf: (shop) => [...shop.books.map(streams.book), ...[shop.paidOrder.orderId, shop.cancelledOrder.orderId].map(streams.order)],
  read: ({ redis }) => dailySales(redis, ...around()),
  // The paid order's 2 + 1 copies count; the cancelled order's 4 were paid, then taken back.
  expected: () => [{ day: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), category: "fiction", currency: "EUR", units: 3, revenueCents: 2 * 1000 + 1500 }],
});

describe("sales-by-category in batches", () => {
  let f: CommandsFixture<MemoryStoreFixture>;
  let events: StoredEvent[];
  const book = ulid();
  beforeAll(async () => {
    f = await freshCommands("sales-batches", {}, "memory");
    ok(await f.commands.handle(addBook(book, 1000), asAdmin));
    ok(await f.commands.handle({ type: "ReceiveStock", bookId: book, quantity: 100 }, asAdmin));
    const buy = async (quantity: number) => {
      const customerId = ulid();
      const orderId = ulid();
      ok(await f.commands.handle({ type: "AddCartItem", customerId, bookId: book, quantity }, asCustomer(customerId)));
      ok(await f.commands.handle({ type: "Checkout", shippingAddress: SHIP_TO, customerId, orderId, paymentToken: "tok_visa" }, asCustomer(customerId)));
      return { customerId, orderId };
    };
    const cancelled = await buy(1);
    for (const quantity of [2, 3, 4]) await buy(quantity);
    ok(await f.commands.handle({ type: "ChangeBookDetails", bookId: book, category: "history" }, asAdmin));
    for (const quantity of [5, 6]) await buy(quantity);
    ok(await f.commands.handle({ type: "CancelOrder", orderId: cancelled.orderId, actor: { role: "customer", customerId: cancelled.customerId } }, asCustomer(cancelled.customerId)));
    const ours = new Set<string>(salesByCategory.eventTypes);
    events = (await collect(f.store.readAll())).flatMap((r) => (r._tag === "Right" && ours.has(r.right.type) ? [r.right] : []));
  });

  it("counts an order in the category its book had when it was paid, though the book moved on later in the same batch", async () => {
    const ports = await freshPorts();
    await salesByCategory.apply(events, ports);
    expect(await dailySales(ports.redis, ...around())).toEqual([
      // 1 + 2 + 3 + 4 paid as fiction; the 1 then cancelled takes its copy back from fiction.
      { day: expect.any(String), category: "fiction", currency: "EUR", units: 9, revenueCents: 9000 },
      { day: expect.any(String), category: "history", currency: "EUR", units: 11, revenueCents: 11_000 },
    ]);
  });

  it("counts each order in the category its book had when paid, though the book's change arrives before the orders", async () => {
    const [inOrder, changeFirst] = [await freshPorts(), await freshPorts()];
    await salesByCategory.apply(events, inOrder);
    const change = events.filter((e) => e.type === "BookDetailsChanged");
    expect(change).toHaveLength(1);
    await salesByCategory.apply([...change, ...events.filter((e) => e !== change[0])], changeFirst);
    expect(await dailySales(changeFirst.redis, ...around())).toEqual(await dailySales(inOrder.redis, ...around()));
    expect(await dump(changeFirst)).toEqual(await dump(inOrder));
  });

  it("writes the same keys from one batch as from one event at a time", async () => {
    const [batched, single] = [await freshPorts(), await freshPorts()];
    await salesByCategory.apply(events, batched);
    for (const e of events) await salesByCategory.apply([e], single);
    expect(await dump(batched)).toEqual(await dump(single));
  });

  it("counts once when deliveries of the same batch race each other, or a batch comes again", async () => {
    const [once, raced] = [await freshPorts(), await freshPorts()];
    // Each delivery on a connection of its own, as two projector invocations would be: one
    // connection would run the three one after another.
    const [second, third] = [0, 1].map(() => {
      const redis = new Redis(inject("redisUrl"), { keyPrefix: raced.prefix });
      clients.push(redis);
      return { ...raced, redis };
    }) as [typeof raced, typeof raced];
    await salesByCategory.apply(events, once);
    await Promise.all([
      salesByCategory.apply(events, raced),
      salesByCategory.apply(events, second),
      // Without the book's BookAdded and the first order's OrderPlaced, it may come before either of
      // the others has written them: refused, to be retried, as an unknown category or an early event.
      salesByCategory.apply(events.slice(3), third).catch((e: unknown) => expect([EventOutOfOrder, UnknownBookCategory].some((c) => e instanceof c)).toBe(true)),
    ]);
    await salesByCategory.apply(events, raced);
    expect(await dump(raced)).toEqual(await dump(once));
  });

  it("fails an order's event past a gap after writing the rest of the batch, and converges when the gap is filled", async () => {
    const ports = await freshPorts();
    // The order of 5 copies, placed after the book moved to history.
    const placed = events.filter((e) => e.type === "OrderPlaced")[4];
    await expect(salesByCategory.apply(events.filter((e) => e !== placed), ports)).rejects.toThrow(EventOutOfOrder);
    expect((await dailySales(ports.redis, ...around())).map((d) => [d.category, d.units])).toEqual([
      ["fiction", 9],
      ["history", 6],
    ]);
    await salesByCategory.apply(events, ports);
    expect(await dailySales(ports.redis, ...around())).toEqual([
      { day: expect.any(String), category: "fiction", currency: "EUR", units: 9, revenueCents: 9000 },
      { day: expect.any(String), category: "history", currency: "EUR", units: 11, revenueCents: 11_000 },
    ]);
  });
});
