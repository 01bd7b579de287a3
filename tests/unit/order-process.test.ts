import { describe, expect, it } from "vitest";
import { isLeft, isRight, type Either } from "fp-ts/lib/Either.js";
import { event } from "../../events/index.js";
import { fold } from "../../domain/decider.js";
import { orderDecider, type OrderEvent, type OrderState } from "../../domain/order.js";
import { decideCancellation, decidePaymentResult, refundDue } from "../../domain/order-process.js";
import { paymentDecider } from "../../domain/payment.js";
import { evolveReservation, initialReservation, settleReservation, type ReservationState } from "../../domain/reservation.js";
import type { InventoryEvent } from "../../domain/inventory.js";
import type { DomainError } from "../../domain/errors.js";
import { committed, orderPaid as paid, orderPlaced as placed, released, reserved } from "./fixtures.js";

const order = (events: Parameters<typeof orderDecider.evolve>[1][]): OrderState => fold(orderDecider, events);
const reservation = (...events: InventoryEvent[]): ReservationState => events.reduce(evolveReservation, initialReservation);
const held = () => reservation(reserved("sicp", "o1", 2), reserved("kr", "o1", 1));
const ok = (r: Either<DomainError, OrderEvent[]>) => {
  if (!isRight(r)) throw new Error(r.left.message);
  return r.right;
};
/** The order's events after a decision, and what its reservation then does. */
const then = (before: Parameters<typeof orderDecider.evolve>[1][], decided: OrderEvent[], r: ReservationState) => ({
  order: decided,
  stock: settleReservation(order([...before, ...decided]), r),
});

describe("After checkout", () => {
  it("a captured charge pays the order, and its reservation is then committed", () => {
    const decided = ok(decidePaymentResult(order([placed]), "o1", { status: "captured", chargeId: "ch_1" }));
    expect(then([placed], decided, held())).toEqual({ order: [paid], stock: [committed("sicp", "o1", 2), committed("kr", "o1", 1)] });
  });

  it("a declined charge cancels the order, and its stock is then released", () => {
    const decided = ok(decidePaymentResult(order([placed]), "o1", { status: "declined", reason: "card_declined" }));
    expect(then([placed], decided, held())).toEqual({
      order: [
        event("OrderPaymentFailed", { orderId: "o1", reason: "card_declined" }),
        event("OrderCancelled", { orderId: "o1", reason: "payment failed: card_declined", by: "system" }),
      ],
      stock: [released("sicp", "o1", 2), released("kr", "o1", 1)],
    });
  });

  it("a transient failure changes neither the order nor the stock", () => {
    const decided = ok(decidePaymentResult(order([placed]), "o1", { status: "failed", reason: "timeout" }));
    expect(then([placed], decided, held())).toEqual({ order: [], stock: [] });
  });

  it("a capture recorded twice touches nothing the second time, and a settled reservation settles no more", () => {
    expect(ok(decidePaymentResult(order([placed, paid]), "o1", { status: "captured", chargeId: "ch_1" }))).toEqual([]);
    const settled = reservation(reserved("sicp", "o1", 2), committed("sicp", "o1", 2));
    expect(settleReservation(order([placed, paid]), settled)).toEqual([]);
  });

  it("a capture for an order cancelled meanwhile leaves the order alone, and is due back", () => {
    const expired = event("OrderCancelled", { orderId: "o1", reason: "not paid within 900 s of checkout", by: "system" });
    expect(ok(decidePaymentResult(order([placed, expired]), "o1", { status: "captured", chargeId: "ch_1" }))).toEqual([]);
    const payment = fold(paymentDecider, [
      event("PaymentRequested", { orderId: "o1", amountCents: 12999, currency: "EUR", idempotencyKey: "order-o1" }),
      event("PaymentCaptured", { orderId: "o1", chargeId: "ch_1", amountCents: 12999, currency: "EUR" }),
    ]);
    expect(refundDue(order([placed, expired]), payment)).toBe(true);
    expect(refundDue(order([placed, paid]), payment)).toBe(false);
  });

  it("the customer cancelling a paid order gets its copies back on the shelf", () => {
    const decided = ok(decideCancellation(order([placed, paid]), "o1", { role: "customer", customerId: "alice" }, "too slow"));
    const committedLines = reservation(reserved("sicp", "o1", 2), committed("sicp", "o1", 2), reserved("kr", "o1", 1), committed("kr", "o1", 1));
    expect(then([placed, paid], decided, committedLines)).toEqual({
      order: [event("OrderCancelled", { orderId: "o1", reason: "too slow", by: "customer" })],
      stock: [event("StockReturned", { bookId: "sicp", orderId: "o1", quantity: 2 }), event("StockReturned", { bookId: "kr", orderId: "o1", quantity: 1 })],
    });
  });

  it("cancelling an unpaid order releases its reservations; a line already released is skipped", () => {
    const decided = ok(decideCancellation(order([placed]), "o1", { role: "admin", adminId: "root" }));
    const partly = reservation(reserved("sicp", "o1", 2), reserved("kr", "o1", 1), released("kr", "o1", 1));
    expect(then([placed], decided, partly)).toEqual({
      order: [event("OrderCancelled", { orderId: "o1", reason: "cancelled by the admin", by: "admin" })],
      stock: [released("sicp", "o1", 2)],
    });
  });

  it("an order unpaid past its hold is cancelled by the system; within it, or paid, it is left alone", () => {
    const placedAt = Date.parse(placed.data.placedAt);
    const at = (seconds: number) => new Date(placedAt + seconds * 1000).toISOString();
    const expire = (now: string) => ({ type: "ExpireOrder" as const, orderId: "o1", holdSeconds: 900, now });
    expect(ok(orderDecider.decide(expire(at(899)), order([placed])))).toEqual([]);
    expect(ok(orderDecider.decide(expire(at(900)), order([placed])))).toEqual([
      event("OrderCancelled", { orderId: "o1", reason: "not paid within 900 s of checkout", by: "system" }),
    ]);
    expect(ok(orderDecider.decide(expire(at(5000)), order([placed, paid])))).toEqual([]);
  });

  it("refuses what the order refuses, and an order that does not exist", () => {
    const shipped = order([placed, paid, event("OrderShipped", { orderId: "o1" })]);
    const r = decideCancellation(shipped, "o1", { role: "customer", customerId: "alice" });
    expect(isLeft(r) && r.left.kind).toBe("IllegalOrderTransition");
    const none = decideCancellation(order([]), "o9", { role: "admin", adminId: "root" });
    expect(isLeft(none) && none.left).toMatchObject({ kind: "OrderNotFound", orderId: "o9" });
    const unpaid = decidePaymentResult(order([]), "o9", { status: "captured", chargeId: "ch" });
    expect(isLeft(unpaid) && unpaid.left.kind).toBe("OrderNotFound");
  });
});
