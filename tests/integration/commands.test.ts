import { isRight } from "fp-ts/lib/Either.js";
import { ulid } from "ulid";
import { beforeAll, describe, expect, it } from "vitest";
import { streams } from "../../events/index.js";
import { aggregates } from "../../handlers/commands/aggregates.js";
import type { CheckoutOutcome, StreamResult } from "../../handlers/commands/handle.js";
import { load } from "../../handlers/commands/load.js";
import { stockOf } from "../support/stock.js";
import "../kit/to-have-stream.js";
import { addBook, asAdmin, asCustomer, failure, freshCommands, ok, type CommandsFixture } from "../support/commands-fixture.js";
import type { AnyStoreFixture, MemoryStoreFixture } from "../support/event-store-fixture.js";
import { SHIP_TO } from "../kit/ship-to.js";

// What commands decide is tested on the in-memory store, which keeps the DynamoDB store's
// contract; checkouts racing for the last copies, a matter of DynamoDB's transactions, on DynamoDB Local.
let f: CommandsFixture<MemoryStoreFixture>;
let db: CommandsFixture;
beforeAll(async () => {
  [f, db] = await Promise.all([freshCommands("commands", {}, "memory"), freshCommands("commands")]);
});

const stockedBook = async (copies: number, priceCents = 1500, on: CommandsFixture<AnyStoreFixture> = f): Promise<string> => {
  const bookId = ulid();
  ok(await on.commands.handle(addBook(bookId, priceCents), asAdmin));
  if (copies > 0) ok(await on.commands.handle({ type: "ReceiveStock", bookId, quantity: copies }, asAdmin));
  return bookId;
};

/** The book's stock from its events, checked against the counter the command side decides on. */
const inventoryOf = (bookId: string, on: CommandsFixture<AnyStoreFixture> = f) => stockOf(on.deps, bookId);

/** What an order holds of each book, from its reservation stream. */
const reservationOf = async (orderId: string, on: CommandsFixture<AnyStoreFixture> = f) => {
  const loaded = await load(on.deps, aggregates.reservation, orderId);
  if (!isRight(loaded)) throw new Error("reservation unreadable");
  return loaded.right.state;
};

describe("command handling", () => {
  it("adds a book and answers with the stream's new version", async () => {
    const bookId = ulid();
    const added = ok<StreamResult>(await f.commands.handle(addBook(bookId, 2500), asAdmin));
    expect(added.result).toEqual({ streamId: streams.book(bookId), version: 1 });
    const priced = ok<StreamResult>(await f.commands.handle({ type: "ChangeBookPrice", bookId, priceCents: 1999, currency: "EUR" }, asAdmin));
    expect(priced.result.version).toBe(2);
    await expect(f.store).toHaveStream(streams.book(bookId), [
      { type: "BookAdded", data: expect.objectContaining({ bookId, priceCents: 2500 }) },
      { type: "BookPriceChanged", data: { bookId, priceCents: 1999, currency: "EUR" } },
    ]);
  });

  it("refuses stock for a book the catalogue does not know", async () => {
    expect(failure(await f.commands.handle({ type: "ReceiveStock", bookId: ulid(), quantity: 3 }, asAdmin)).kind).toBe("BookNotFound");
  });

  it("takes the cart's price from the catalogue, and checkout writes order, reservation, cart and payment in one go", async () => {
    const bookId = await stockedBook(5, 1250);
    const customer = ulid();
    ok(await f.commands.handle({ type: "AddCartItem", customerId: customer, bookId, quantity: 2 }, asCustomer(customer)));
    const orderId = ulid();
    const placed = ok<CheckoutOutcome>(
      await f.commands.handle({ type: "Checkout", shippingAddress: SHIP_TO, customerId: customer, orderId, paymentToken: "tok_visa" }, asCustomer(customer)),
    );
    expect(placed.result).toEqual({ orderId, totalCents: 2500, currency: "EUR", status: "paid" });
    await expect(f.store).toHaveStream(streams.cart(customer), [
      { type: "CartItemAdded", data: expect.objectContaining({ bookId, quantity: 2, unitPriceCents: 1250 }) },
      { type: "CartCheckedOut", data: { customerId: customer, orderId } },
    ]);
    await expect(f.store).toHaveStream(streams.order(orderId), [
      { type: "OrderPlaced", data: expect.objectContaining({ orderId, customerId: customer, totalCents: 2500 }) },
      { type: "OrderPaid", data: expect.objectContaining({ orderId }) },
    ]);
    const stock = await inventoryOf(bookId);
    expect(stock).toEqual({ onHand: 3, reserved: 0, available: 3 });
    expect(f.payments.charges().filter((c) => c.request.idempotencyKey === `order-${orderId}`)).toHaveLength(1);
  });

  it("writes nothing when one book is short, and names the short line with what is available", async () => {
    const plenty = await stockedBook(10);
    const scarce = await stockedBook(1);
    const customer = ulid();
    ok(await f.commands.handle({ type: "AddCartItem", customerId: customer, bookId: plenty, quantity: 2 }, asCustomer(customer)));
    ok(await f.commands.handle({ type: "AddCartItem", customerId: customer, bookId: scarce, quantity: 3 }, asCustomer(customer)));
    const orderId = ulid();
    const error = failure(await f.commands.handle({ type: "Checkout", shippingAddress: SHIP_TO, customerId: customer, orderId }, asCustomer(customer)));
    expect(error).toMatchObject({ kind: "InsufficientStock", lines: [{ bookId: scarce, requested: 3, available: 1 }] });
    await expect(f.store).toHaveStream(streams.order(orderId), []);
    expect((await inventoryOf(plenty)).reserved).toBe(0);
  });

  it("a declined payment cancels the order and releases the stock", async () => {
    const bookId = await stockedBook(4);
    const customer = ulid();
    ok(await f.commands.handle({ type: "AddCartItem", customerId: customer, bookId, quantity: 3 }, asCustomer(customer)));
    const orderId = ulid();
    const placed = ok<CheckoutOutcome>(
      await f.commands.handle({ type: "Checkout", shippingAddress: SHIP_TO, customerId: customer, orderId, paymentToken: "tok_declined" }, asCustomer(customer)),
    );
    expect(placed.result.status).toBe("cancelled");
    const stock = await inventoryOf(bookId);
    expect({ onHand: stock.onHand, reserved: stock.reserved }).toEqual({ onHand: 4, reserved: 0 });
    await expect(f.store).toHaveStream(streams.payment(orderId), [
      { type: "PaymentRequested", data: expect.objectContaining({ orderId }) },
      { type: "PaymentDeclined", data: expect.objectContaining({ orderId, reason: "card_declined" }) },
    ]);
  });

  it("a transient payment failure retried with the same command id charges once", async () => {
    const handler = f.handlerWith({ chargeAttempts: 1 });
    const bookId = await stockedBook(2);
    const customer = ulid();
    ok(await handler.handle({ type: "AddCartItem", customerId: customer, bookId, quantity: 1 }, asCustomer(customer)));
    const orderId = ulid();
    const checkout = { type: "Checkout" as const, shippingAddress: SHIP_TO, customerId: customer, orderId, paymentToken: "tok_transient_2" };
    const key = ulid();
    const first = ok<CheckoutOutcome>(await handler.handle(checkout, asCustomer(customer, key)));
    expect(first.result.status).toBe("placed");
    const second = ok<CheckoutOutcome>(await handler.handle(checkout, asCustomer(customer, key)));
    expect(second.duplicate).toBe(true);
    expect(second.result.status).toBe("placed");
    const third = ok<CheckoutOutcome>(await handler.handle(checkout, asCustomer(customer, key)));
    expect(third.result).toEqual({ ...first.result, status: "paid" });
    const fourth = ok<CheckoutOutcome>(await handler.handle(checkout, asCustomer(customer, key)));
    expect(fourth.result.status).toBe("paid");
    expect(f.payments.charges().filter((c) => c.request.idempotencyKey === `order-${orderId}`)).toHaveLength(1);
    await expect(f.store).toHaveStream(streams.order(orderId), [
      { type: "OrderPlaced", data: expect.objectContaining({ orderId }) },
      { type: "OrderPaid", data: expect.objectContaining({ orderId }) },
    ]);
  });

  it("the same command id twice appends once and answers the first result; with another request it is refused", async () => {
    const bookId = await stockedBook(0);
    const key = ulid();
    const meta = { ...asAdmin, commandId: key, requestHash: "h1" };
    const first = ok<StreamResult>(await f.commands.handle({ type: "ReceiveStock", bookId, quantity: 5 }, meta));
    const again = ok<StreamResult>(await f.commands.handle({ type: "ReceiveStock", bookId, quantity: 5 }, meta));
    expect(again).toEqual({ ...first, duplicate: true });
    expect((await inventoryOf(bookId)).onHand).toBe(5);
    const other = failure(await f.commands.handle({ type: "ReceiveStock", bookId, quantity: 7 }, { ...meta, requestHash: "h2" }));
    expect(other.kind).toBe("IdempotencyKeyReused");
  });

  it("a twin of the same key that lands between the look-up and the decision answers as the first did", async () => {
    const bookId = await stockedBook(3);
    const customer = ulid();
    ok(await f.commands.handle({ type: "AddCartItem", customerId: customer, bookId, quantity: 1 }, asCustomer(customer)));
    const key = ulid();
    const checkout = { type: "Checkout" as const, shippingAddress: SHIP_TO, customerId: customer, orderId: ulid() };
    const first = ok<CheckoutOutcome>(await f.commands.handle(checkout, asCustomer(customer, key)));
    // The second request looked for the key just before the first one landed, so its look-up found nothing.
    let looked = false;
    const racing = {
      ...f.store,
      findCommand: (id: string) => (looked ? f.store.findCommand(id) : ((looked = true), Promise.resolve(undefined))),
    };
    const twin = ok<CheckoutOutcome>(await f.handlerWith({ store: racing }).handle({ ...checkout, orderId: ulid() }, asCustomer(customer, key)));
    expect(twin.duplicate).toBe(true);
    expect(twin.result.orderId).toBe(first.result.orderId);
  });

  it("cancelling releases the stock; a customer cannot cancel someone else's order", async () => {
    const bookId = await stockedBook(3);
    const customer = ulid();
    ok(await f.commands.handle({ type: "AddCartItem", customerId: customer, bookId, quantity: 2 }, asCustomer(customer)));
    const orderId = ulid();
    ok(await f.commands.handle({ type: "Checkout", shippingAddress: SHIP_TO, customerId: customer, orderId }, asCustomer(customer)));
    const stranger = ulid();
    const refused = failure(
      await f.commands.handle({ type: "CancelOrder", orderId, actor: { role: "customer", customerId: stranger } }, asCustomer(stranger)),
    );
    expect(refused.kind).toBe("OrderNotFound");
    ok(await f.commands.handle({ type: "CancelOrder", orderId, actor: { role: "customer", customerId: customer } }, asCustomer(customer)));
    const stock = await inventoryOf(bookId);
    expect({ onHand: stock.onHand, reserved: stock.reserved }).toEqual({ onHand: 3, reserved: 0 });
  });
});

describe("command handling against DynamoDB Local", () => {
  it("50 concurrent checkouts for the last 10 copies: exactly 10 orders, never below zero, no reservation lost", async () => {
    const bookId = await stockedBook(10, 1500, db);
    const customers = Array.from({ length: 50 }, () => ulid());
    for (const c of customers) ok(await db.commands.handle({ type: "AddCartItem", customerId: c, bookId, quantity: 1 }, asCustomer(c)));
    const results = await Promise.all(
      customers.map((c) => db.handlerWith({ maxAttempts: 100 }).handle({ type: "Checkout", shippingAddress: SHIP_TO, customerId: c, orderId: ulid() }, asCustomer(c))),
    );
    const won = results.filter(isRight);
    const lost = results.flatMap((r) => (isRight(r) ? [] : [r.left]));
    expect(won).toHaveLength(10);
    expect(lost).toHaveLength(40);
    for (const e of lost) expect(e).toMatchObject({ kind: "InsufficientStock", lines: [{ bookId, requested: 1, available: 0 }] });
    const stock = await inventoryOf(bookId, db);
    expect(stock.onHand).toBe(10);
    expect(stock.reserved).toBe(10);
    expect(stock.available).toBe(0);
    const orderIds = won.map((r) => (r.right.result as CheckoutOutcome).orderId);
    for (const orderId of orderIds) expect((await reservationOf(orderId, db)).get(bookId)).toEqual({ bookId, quantity: 1, status: "held" });
  });
});
