import { ulid } from "ulid";
import { beforeAll, describe, expect, it } from "vitest";
import { streams, type StoredEvent } from "../../events/index.js";
import { dailySales, salesByCategory, UnknownBookCategory } from "../../projections/sales-by-category.js";
import { EventOutOfOrder } from "../../projections/stream-view.js";
import { addBook, asAdmin, asCustomer, freshCommands, ok, type CommandsFixture } from "../support/commands-fixture.js";
import { collect } from "../support/event-store-fixture.js";
import { freshViews } from "../support/projections-fixture.js";
import { dumpViews } from "../support/read-model-dump.js";
import { readModelContract } from "../support/read-model-contract.js";

const freshPorts = async () => ({ views: await freshViews("sales") });

/** Yesterday to tomorrow, so a test run over midnight still finds its day. */
const around = (now = Date.now()) => [new Date(now - 86_400_000), new Date(now + 86_400_000)].map((d) => d.toISOString().slice(0, 10)) as [string, string];

readModelContract({
  projection: salesByCategory,
  freshPorts,
  streamsOf: (shop) => [...shop.books.map(streams.book), ...[shop.paidOrder.orderId, shop.cancelledOrder.orderId].map(streams.order)],
  read: ({ views }) => dailySales(views, ...around()),
  // The paid order's 2 + 1 copies count; the cancelled order's 4 were paid, then taken back.
  expected: () => [{ day: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), category: "fiction", currency: "EUR", units: 3, revenueCents: 2 * 1000 + 1500 }],
});

describe("sales-by-category in batches", () => {
  let f: CommandsFixture;
  let events: StoredEvent[];
  const book = ulid();
  beforeAll(async () => {
    f = await freshCommands("sales-batches");
    ok(await f.commands.handle(addBook(book, 1000), asAdmin));
    ok(await f.commands.handle({ type: "ReceiveStock", bookId: book, quantity: 100 }, asAdmin));
    const buy = async (quantity: number) => {
      const customerId = ulid();
      const orderId = ulid();
      ok(await f.commands.handle({ type: "AddCartItem", customerId, bookId: book, quantity }, asCustomer(customerId)));
      ok(await f.commands.handle({ type: "Checkout", customerId, orderId, paymentToken: "tok_visa" }, asCustomer(customerId)));
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
    const { views } = await freshPorts();
    await salesByCategory.apply(events, { views });
    expect(await dailySales(views, ...around())).toEqual([
      // 1 + 2 + 3 + 4 paid as fiction; the 1 then cancelled takes its copy back from fiction.
      { day: expect.any(String), category: "fiction", currency: "EUR", units: 9, revenueCents: 9000 },
      { day: expect.any(String), category: "history", currency: "EUR", units: 11, revenueCents: 11_000 },
    ]);
  });

  it("writes the same items from one batch as from one event at a time", async () => {
    const [batched, single] = [await freshPorts(), await freshPorts()];
    await salesByCategory.apply(events, batched);
    for (const e of events) await salesByCategory.apply([e], single);
    expect(await dumpViews(batched.views)).toEqual(await dumpViews(single.views));
  });

  it("counts once when deliveries of the same batch race each other, or a batch comes again", async () => {
    const [once, raced] = [await freshPorts(), await freshPorts()];
    await salesByCategory.apply(events, once);
    await Promise.all([
      salesByCategory.apply(events, raced),
      salesByCategory.apply(events, raced),
      // Without the book's BookAdded and the first order's OrderPlaced, it may come before either of
      // the others has written them: refused, to be retried, as an unknown category or an early event.
      salesByCategory.apply(events.slice(3), raced).catch((e: unknown) => expect([EventOutOfOrder, UnknownBookCategory].some((c) => e instanceof c)).toBe(true)),
    ]);
    await salesByCategory.apply(events, raced);
    expect(await dumpViews(raced.views)).toEqual(await dumpViews(once.views));
  });

  it("fails an order's event past a gap after writing the rest of the batch, and converges when the gap is filled", async () => {
    const { views } = await freshPorts();
    // The order of 5 copies, placed after the book moved to history.
    const placed = events.filter((e) => e.type === "OrderPlaced")[4];
    await expect(salesByCategory.apply(events.filter((e) => e !== placed), { views })).rejects.toThrow(/arrived while the view is at v0/);
    expect((await dailySales(views, ...around())).map((d) => [d.category, d.units])).toEqual([
      ["fiction", 9],
      ["history", 6],
    ]);
    await salesByCategory.apply(events, { views });
    expect(await dailySales(views, ...around())).toEqual([
      { day: expect.any(String), category: "fiction", currency: "EUR", units: 9, revenueCents: 9000 },
      { day: expect.any(String), category: "history", currency: "EUR", units: 11, revenueCents: 11_000 },
    ]);
  });
});
