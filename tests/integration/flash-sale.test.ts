import { isLeft, isRight, left } from "fp-ts/lib/Either.js";
import { ulid } from "ulid";
import { beforeAll, describe, expect, it } from "vitest";
import { LocalPaymentGateway } from "../../domain/local-payment-gateway.js";
import type { PaymentGateway } from "../../domain/payment-gateway.js";
import { streams, type StoredEvent } from "../../events/index.js";
import { aggregates } from "../../handlers/commands/aggregates.js";
import type { CheckoutOutcome } from "../../handlers/commands/handle.js";
import { load } from "../../handlers/commands/load.js";
import { stockFromEvents, stockOf as stockOfBook } from "../support/stock.js";
import { orderProcess, sweepUnpaidOrders } from "../../handlers/processes/index.js";
import { createStreamPoller } from "../../local/stream-poller.js";
import type { EventStore } from "../../store/index.js";
import "../kit/to-have-stream.js";
import { addBook, asAdmin, asCustomer, freshCommands, ok, type CommandsFixture } from "../support/commands-fixture.js";
import { collect } from "../support/event-store-fixture.js";
import { documentClient, freshViews, streamsClient } from "../support/projections-fixture.js";
import { getInventory, inventoryView } from "../../projections/inventory-view.js";
import { SHIP_TO } from "../kit/ship-to.js";

// A sale day on one table: many buyers of the same few books at once, against DynamoDB Local.
let f: CommandsFixture;
beforeAll(async () => {
  f = await freshCommands("flash-sale");
});

const stockedBook = async (copies: number): Promise<string> => {
  const bookId = ulid();
  ok(await f.commands.handle(addBook(bookId), asAdmin));
  ok(await f.commands.handle({ type: "ReceiveStock", bookId, quantity: copies }, asAdmin));
  return bookId;
};

/** A book's stock from its events, checked against the stock counter the command side decides on. */
const stockOf = (bookId: string) => stockOfBook(f.deps, bookId);

const orderOf = async (orderId: string) => {
  const loaded = await load(f.deps, aggregates.order, orderId);
  if (!isRight(loaded)) throw new Error("order unreadable");
  return loaded.right.state;
};

/** Buyers with one copy of `bookId` in their carts, checking out together, each with its own key. */
const sale = async (buyers: { bookId: string }[], handler = f.commands) => {
  const carts = buyers.map(({ bookId }) => ({ bookId, customerId: ulid(), orderId: ulid() }));
  for (const c of carts) ok(await f.commands.handle({ type: "AddCartItem", customerId: c.customerId, bookId: c.bookId, quantity: 1 }, asCustomer(c.customerId)));
  const answers = await Promise.all(
    carts.map((c) =>
      handler.handle({ type: "Checkout", shippingAddress: SHIP_TO, customerId: c.customerId, orderId: c.orderId, paymentToken: "tok_visa" }, asCustomer(c.customerId, ulid())),
    ),
  );
  return carts.map((c, i) => ({ ...c, answer: answers[i]! }));
};

/** Every buyer answered with an order has that order, paid; every other buyer has none. */
const expectAnswersMatchOrders = async (bought: Awaited<ReturnType<typeof sale>>) => {
  for (const b of bought) {
    const order = await orderOf(b.orderId);
    if (isRight(b.answer)) {
      expect((b.answer.right.result as CheckoutOutcome).status).toBe("paid");
      expect(order?.status).toBe("paid");
    } else expect(order).toBeNull();
  }
};

describe("checkout under a flash sale", () => {
  it("50 buyers of one book with 100 copies: 50 orders paid, no errors", async () => {
    const bookId = await stockedBook(100);
    const bought = await sale(Array.from({ length: 50 }, () => ({ bookId })));
    expect(bought.filter((b) => isLeft(b.answer)).map((b) => isLeft(b.answer) && b.answer.left)).toEqual([]);
    await expectAnswersMatchOrders(bought);
    expect(await stockOf(bookId)).toEqual({ onHand: 50, reserved: 0, available: 50 });
  });

  it("50 buyers of one book with 10 copies: exactly 10 paid, 40 told the stock is short, none a conflict", async () => {
    const bookId = await stockedBook(10);
    const bought = await sale(Array.from({ length: 50 }, () => ({ bookId })));
    const refused = bought.flatMap((b) => (isLeft(b.answer) ? [b.answer.left] : []));
    expect(bought.filter((b) => isRight(b.answer))).toHaveLength(10);
    expect(refused).toHaveLength(40);
    for (const e of refused) expect(e).toMatchObject({ kind: "InsufficientStock", lines: [{ bookId, requested: 1 }] });
    await expectAnswersMatchOrders(bought);
    expect(await stockOf(bookId)).toEqual({ onHand: 0, reserved: 0, available: 0 });
  });

  it("200 buyers of 5 hot books with 30 copies each: 150 paid, 50 short, every answer true to the orders", async () => {
    const books = await Promise.all(Array.from({ length: 5 }, () => stockedBook(30)));
    const bought = await sale(Array.from({ length: 200 }, (_, i) => ({ bookId: books[i % 5]! })));
    const refused = bought.flatMap((b) => (isLeft(b.answer) ? [b.answer.left.kind] : []));
    expect(bought.filter((b) => isRight(b.answer))).toHaveLength(150);
    expect(refused).toEqual(Array(50).fill("InsufficientStock"));
    await expectAnswersMatchOrders(bought);
    for (const bookId of books) expect(await stockOf(bookId)).toEqual({ onHand: 0, reserved: 0, available: 0 });
  }, 240_000); // 200 checkouts and their carts at once: seconds alone, minutes when the suite shares DynamoDB Local.
});

/**
 * The file's clock, which the tests move on and never back (as time goes): the command handler,
 * the order process and the sweep all read it, and they share the views table's sweep cursor.
 */
const fileClock = (() => {
  let now = Date.now();
  return { now: () => new Date(now), advance: (seconds: number) => (now += seconds * 1000) };
})();
const testClock = () => fileClock;

const settings = { holdSeconds: 900, reconcileAfterSeconds: 60 };

/** The order process from the stream, as `npm start` runs it, so the sweep finds the orders waiting for payment. */
const processCatchUp = (handler: CommandsFixture["commands"], clock = fileClock.now) =>
  createStreamPoller({
    dynamo: f.client,
    streams: streamsClient(),
    eventsTable: f.names.events,
    projections: [orderProcess],
    ports: { views: { client: documentClient(f.client), tableName: f.names.views }, commands: handler, clock },
    retryDelayMs: 5,
  }).catchUp();
const views = () => ({ client: documentClient(f.client), tableName: f.names.views });

/** A store whose appends of one event type fail as told, to plant a fault after the charge. */
const faultyStore = (store: EventStore, type: string, fault: () => "throw" | "conflict" | undefined): EventStore => ({
  ...store,
  append: async (appends, options) => {
    if (appends.some((a) => a.events.some((e) => e.type === type))) {
      const planted = fault();
      if (planted === "throw") throw new Error("injected: the connection dropped while recording");
      if (planted === "conflict") return left({ kind: "ConcurrencyError", streams: appends.map((a) => ({ streamId: a.streamId, expectedVersion: a.expectedVersion })) });
    }
    return store.append(appends, options);
  },
});

const buyOne = async (handler: CommandsFixture["commands"], bookId: string, paymentToken?: string, key = ulid()) => {
  const customerId = ulid();
  const orderId = ulid();
  ok(await handler.handle({ type: "AddCartItem", customerId, bookId, quantity: 1 }, asCustomer(customerId)));
  const checkout = { type: "Checkout" as const, shippingAddress: SHIP_TO, customerId, orderId, ...(paymentToken === undefined ? {} : { paymentToken }) };
  const answer = ok<CheckoutOutcome>(await handler.handle(checkout, asCustomer(customerId, key)));
  return { customerId, orderId, answer, checkout, key };
};

describe("payments that cannot be lost, and unpaid orders that end", () => {
  it("a recording that throws after the charge: answered 201, paid once the sweep reconciles, charged once", async () => {
    const clock = testClock();
    let thrown = 0;
    const payments = new LocalPaymentGateway();
    const store = faultyStore(f.store, "PaymentCaptured", () => (thrown++ === 0 ? "throw" : undefined));
    const handler = f.handlerWith({ store, clock: clock.now, payments, onDeferred: () => {} });
    const bookId = await stockedBook(3);
    const { orderId, answer } = await buyOne(handler, bookId, "tok_visa");
    expect(answer.result).toMatchObject({ orderId, status: "placed" });
    expect(payments.charges()).toHaveLength(1);
    await processCatchUp(handler);
    clock.advance(61);
    await sweepUnpaidOrders({ views: views(), commands: handler }, settings, clock.now());
    expect((await orderOf(orderId))?.status).toBe("paid");
    expect(payments.charges()).toHaveLength(1);
    expect(await stockOf(bookId)).toEqual({ onHand: 2, reserved: 0, available: 2 });
  });

  it("a planted conflict on every try of the recording: answered 201 with the order, paid by the sweep, charged once", async () => {
    const clock = testClock();
    let conflicts = 0;
    const payments = new LocalPaymentGateway();
    const store = faultyStore(f.store, "PaymentCaptured", () => (conflicts++ < 20 ? "conflict" : undefined));
    const handler = f.handlerWith({ store, clock: clock.now, payments, onDeferred: () => {} });
    const bookId = await stockedBook(3);
    const { orderId, answer } = await buyOne(handler, bookId, "tok_visa");
    expect(answer.result).toMatchObject({ orderId, status: "placed" });
    conflicts = 100;
    const unfaulted = f.handlerWith({ clock: clock.now, payments });
    await processCatchUp(unfaulted);
    clock.advance(61);
    await sweepUnpaidOrders({ views: views(), commands: unfaulted }, settings, clock.now());
    expect((await orderOf(orderId))?.status).toBe("paid");
    expect(payments.charges()).toHaveLength(1);
    expect(await stockOf(bookId)).toEqual({ onHand: 2, reserved: 0, available: 2 });
  });

  it("an order left unpaid is cancelled after the hold and its stock is back; within the hold it is left alone", async () => {
    const clock = testClock();
    const handler = f.handlerWith({ clock: clock.now });
    const bookId = await stockedBook(2);
    const { orderId, answer } = await buyOne(handler, bookId);
    expect(answer.result.status).toBe("placed");
    expect(await stockOf(bookId)).toEqual({ onHand: 2, reserved: 1, available: 1 });
    await processCatchUp(handler);
    clock.advance(899);
    await sweepUnpaidOrders({ views: views(), commands: handler }, settings, clock.now());
    expect((await orderOf(orderId))?.status).toBe("placed");
    clock.advance(2);
    await sweepUnpaidOrders({ views: views(), commands: handler }, settings, clock.now());
    expect((await orderOf(orderId))?.status).toBe("cancelled");
    expect(await stockOf(bookId)).toEqual({ onHand: 2, reserved: 0, available: 2 });
    await expect(f.store).toHaveStream(streams.reservation(orderId), [
      { type: "StockReserved", data: { bookId, orderId, quantity: 1 } },
      { type: "ReservationReleased", data: { bookId, orderId, quantity: 1 } },
    ]);
  });

  it("an order placed without a token can be paid within its hold, and not after", async () => {
    const clock = testClock();
    const handler = f.handlerWith({ clock: clock.now });
    const bookId = await stockedBook(2);
    const first = await buyOne(handler, bookId);
    const paid = ok(await handler.handle({ type: "PayOrder", orderId: first.orderId, customerId: first.customerId, paymentToken: "tok_visa" }, asCustomer(first.customerId)));
    expect(paid.result).toEqual({ orderId: first.orderId, status: "paid" });
    const stranger = ulid();
    const refused = await handler.handle({ type: "PayOrder", orderId: first.orderId, customerId: stranger, paymentToken: "tok_visa" }, asCustomer(stranger));
    expect(isLeft(refused) && refused.left.kind).toBe("OrderNotFound");

    const late = await buyOne(handler, bookId);
    await processCatchUp(handler);
    clock.advance(901);
    await sweepUnpaidOrders({ views: views(), commands: handler }, settings, clock.now());
    const tooLate = await handler.handle({ type: "PayOrder", orderId: late.orderId, customerId: late.customerId, paymentToken: "tok_visa" }, asCustomer(late.customerId));
    expect(isLeft(tooLate) && tooLate.left.kind).toBe("IllegalOrderTransition");
    expect(await stockOf(bookId)).toEqual({ onHand: 1, reserved: 0, available: 1 });
  });

  it("a payment that arrives after the hold ended the order is refunded, not lost; the retry with the key finishes it", async () => {
    const clock = testClock();
    const gateway = new LocalPaymentGateway();
    let down = true;
    // The processor is unreachable at checkout: the charge never got there.
    const payments: PaymentGateway = {
      charge: (r) => (down ? Promise.reject(new Error("injected: connection timed out")) : gateway.charge(r)),
      lookup: (k) => gateway.lookup(k),
      refund: (r) => gateway.refund(r),
    };
    const handler = f.handlerWith({ clock: clock.now, payments, onDeferred: () => {} });
    const bookId = await stockedBook(2);
    const bought = await buyOne(handler, bookId, "tok_visa");
    expect(bought.answer.result.status).toBe("placed");
    await processCatchUp(handler);
    clock.advance(901);
    await sweepUnpaidOrders({ views: views(), commands: handler }, settings, clock.now());
    expect((await orderOf(bought.orderId))?.status).toBe("cancelled");
    expect(await stockOf(bookId)).toEqual({ onHand: 2, reserved: 0, available: 2 });

    down = false;
    const retried = ok<CheckoutOutcome>(await handler.handle(bought.checkout, asCustomer(bought.customerId, bought.key)));
    expect(retried).toMatchObject({ duplicate: true, result: { orderId: bought.orderId, status: "cancelled" } });
    await expect(f.store).toHaveStream(streams.payment(bought.orderId), [
      { type: "PaymentRequested", data: expect.anything() },
      { type: "PaymentCaptured", data: expect.anything() },
      { type: "PaymentRefunded", data: expect.objectContaining({ amountCents: bought.answer.result.totalCents }) },
    ]);
    expect(gateway.charges()).toHaveLength(1);
    expect(gateway.refunds()).toHaveLength(1);
    // The order process, reading the stream after, finds nothing left to do: still one refund.
    await processCatchUp(handler);
    expect(gateway.refunds()).toHaveLength(1);
    expect(await stockOf(bookId)).toEqual({ onHand: 2, reserved: 0, available: 2 });
  });

  it("the events are the truth: every book's stock counter equals the sum of its stock events, wherever they are stored", async () => {
    const folded = await stockFromEvents(f.deps);
    expect(folded.size).toBeGreaterThan(10);
    // stockOf throws where a counter and its book's events disagree.
    for (const [bookId, { onHand, reserved }] of folded) expect(await stockOf(bookId), bookId).toEqual({ onHand, reserved, available: onHand - reserved });

    // A replay of the inventory projection over all of history, into an empty views table, gives the same stock.
    const replayed = await freshViews("flash-sale-replay");
    const events: StoredEvent[] = [];
    for (const r of await collect(f.store.readAll())) {
      if (isLeft(r)) throw new Error(r.left.reason);
      events.push(r.right);
    }
    const stockEvents = events.filter((e) => inventoryView.eventTypes.includes(e.type));
    for (let i = 0; i < stockEvents.length; i += inventoryView.batch.batchSize) {
      await inventoryView.apply(stockEvents.slice(i, i + inventoryView.batch.batchSize), { views: replayed });
    }
    for (const bookId of folded.keys()) {
      const { onHand, reserved, available } = await getInventory(replayed, bookId);
      expect({ onHand, reserved, available }, bookId).toEqual(await stockOf(bookId));
    }
  });
});
