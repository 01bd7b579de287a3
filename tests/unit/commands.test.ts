import { describe, expect, it } from "vitest";
import * as t from "io-ts";
import { isLeft, isRight } from "fp-ts/lib/Either.js";
import { describeErrors } from "../../events/index.js";
import { BookCommand } from "../../domain/book.js";
import { CartCommand } from "../../domain/cart.js";
import { InventoryCommand } from "../../domain/inventory.js";
import { OrderCommand } from "../../domain/order.js";
import { PaymentCommand } from "../../domain/payment.js";
import { RateBook } from "../../domain/rating.js";
import { Checkout } from "../../domain/checkout.js";
import { SHIP_TO } from "../kit/ship-to.js";

const valid: [string, t.Decoder<unknown, unknown>, Record<string, unknown>][] = [
  ["AddBook", BookCommand, { type: "AddBook", bookId: "b1", title: "T", authors: ["A"], isbn: "9780262033848", category: "c", description: "", priceCents: 100, currency: "EUR" }],
  ["ChangeBookDetails", BookCommand, { type: "ChangeBookDetails", bookId: "b1", title: "T" }],
  ["ChangeBookPrice", BookCommand, { type: "ChangeBookPrice", bookId: "b1", priceCents: 100, currency: "EUR" }],
  ["DiscontinueBook", BookCommand, { type: "DiscontinueBook", bookId: "b1" }],
  ["ReceiveStock", InventoryCommand, { type: "ReceiveStock", bookId: "b1", quantity: 3 }],
  ["ReserveStock", InventoryCommand, { type: "ReserveStock", bookId: "b1", orderId: "o1", quantity: 3 }],
  ["CommitReservation", InventoryCommand, { type: "CommitReservation", bookId: "b1", orderId: "o1" }],
  ["ReleaseReservation", InventoryCommand, { type: "ReleaseReservation", bookId: "b1", orderId: "o1" }],
  ["AdjustStock", InventoryCommand, { type: "AdjustStock", bookId: "b1", delta: -2, reason: "recount" }],
  ["AddCartItem", CartCommand, { type: "AddCartItem", customerId: "alice", bookId: "b1", quantity: 1 }],
  ["ChangeCartItemQuantity", CartCommand, { type: "ChangeCartItemQuantity", customerId: "alice", bookId: "b1", quantity: 2 }],
  ["RemoveCartItem", CartCommand, { type: "RemoveCartItem", customerId: "alice", bookId: "b1" }],
  ["ClearCart", CartCommand, { type: "ClearCart", customerId: "alice" }],
  ["PlaceOrder", OrderCommand, { type: "PlaceOrder", orderId: "o1", customerId: "alice", lines: [{ bookId: "b1", title: "T", quantity: 1, unitPriceCents: 100 }], currency: "EUR", placedAt: "2026-03-01T10:00:00.000Z", shippingAddress: null }],
  ["RecordOrderPayment", OrderCommand, { type: "RecordOrderPayment", orderId: "o1", paymentId: "ch", amountCents: 100, currency: "EUR" }],
  ["RecordOrderPaymentFailure", OrderCommand, { type: "RecordOrderPaymentFailure", orderId: "o1", reason: "declined" }],
  ["ShipOrder", OrderCommand, { type: "ShipOrder", orderId: "o1", shipmentId: "s1", carrier: "DHL", trackingNumber: "T1", at: "2026-03-02T09:00:00.000Z" }],
  ["DeliverShipment", OrderCommand, { type: "DeliverShipment", orderId: "o1", shipmentId: "s1", at: "2026-03-02T09:00:00.000Z" }],
  ["RecordShipmentException", OrderCommand, { type: "RecordShipmentException", orderId: "o1", note: "lost", at: "2026-03-02T09:00:00.000Z" }],
  ["CancelOrder", OrderCommand, { type: "CancelOrder", orderId: "o1", actor: { role: "customer", customerId: "alice" } }],
  ["RequestPayment", PaymentCommand, { type: "RequestPayment", orderId: "o1", amountCents: 100, currency: "EUR", idempotencyKey: "k" }],
  ["RecordChargeOutcome", PaymentCommand, { type: "RecordChargeOutcome", orderId: "o1", outcome: { status: "captured", chargeId: "ch" } }],
  ["Checkout", Checkout, { type: "Checkout", shippingAddress: SHIP_TO, customerId: "alice", orderId: "o1", paymentToken: "tok_visa" }],
  ["RateBook", RateBook, { type: "RateBook", bookId: "b1", customerId: "alice", stars: 5 }],
];

describe("command codecs", () => {
  it.each(valid)("%s decodes as sent", (_name, codec, command) => {
    const decoded = codec.decode(command);
    expect(isRight(decoded) && decoded.right).toEqual(command);
  });

  it.each(valid)("%s refuses an unknown field, naming it", (_name, codec, command) => {
    const decoded = codec.decode({ ...command, unitPriceCents: 1 });
    expect(isLeft(decoded) && describeErrors(decoded.left)).toContain('unknown field "unitPriceCents"');
  });

  it("a client cannot smuggle a price into a cart line or a field into a nested object", () => {
    const addWithPrice = CartCommand.decode({ type: "AddCartItem", customerId: "alice", bookId: "b1", quantity: 1, unitPriceCents: 1, currency: "EUR" });
    expect(isLeft(addWithPrice) && describeErrors(addWithPrice.left)).toMatch(/unitPriceCents.*unknown field/);
    const adminByClaim = OrderCommand.decode({ type: "CancelOrder", orderId: "o1", actor: { role: "customer", customerId: "alice", isAdmin: true } });
    expect(isLeft(adminByClaim) && describeErrors(adminByClaim.left)).toContain('unknown field "isAdmin"');
  });

  it("refuses fractional numbers, ids that could break a stream key, and missing fields", () => {
    expect(isLeft(CartCommand.decode({ type: "AddCartItem", customerId: "alice", bookId: "b1", quantity: 1.5 }))).toBe(true);
    expect(isLeft(CartCommand.decode({ type: "AddCartItem", customerId: "alice", bookId: "b#1", quantity: 1 }))).toBe(true);
    expect(isLeft(CartCommand.decode({ type: "AddCartItem", customerId: "alice", quantity: 1 }))).toBe(true);
    expect(isLeft(CartCommand.decode(null))).toBe(true);
    expect(isLeft(CartCommand.decode([]))).toBe(true);
  });

  it("the optional fields of a strict codec are known fields", () => {
    const decoded = BookCommand.decode({ type: "ChangeBookDetails", bookId: "b1", description: "d", category: "c", authors: ["A"] });
    expect(isRight(decoded)).toBe(true);
    expect(RateBook.is({ type: "RateBook", bookId: "b1", customerId: "alice", stars: 5 })).toBe(true);
    expect(RateBook.is({ type: "RateBook", bookId: "b1", customerId: "alice", stars: 5, extra: 1 })).toBe(false);
  });
});
