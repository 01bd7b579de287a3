import { describe, it } from "vitest";
import { event } from "../../events/index.js";
import { orderDecider } from "../../domain/order.js";
import { given } from "../../domain/testing.js";
import { orderPaid as paid, orderPlaced as placed } from "./fixtures.js";

const o = "o1";
const shipped = event("OrderShipped", { orderId: o });
const delivered = event("OrderDelivered", { orderId: o });
const cancelled = event("OrderCancelled", { orderId: o, reason: "changed my mind", by: "customer" });

const pay = { type: "RecordOrderPayment" as const, orderId: o, paymentId: "ch_1", amountCents: 12999, currency: "EUR" };
const fail = { type: "RecordOrderPaymentFailure" as const, orderId: o, reason: "card_declined" };
const ship = { type: "ShipOrder" as const, orderId: o };
const deliver = { type: "DeliverOrder" as const, orderId: o };
const cancelByAlice = { type: "CancelOrder" as const, orderId: o, actor: { role: "customer" as const, customerId: "alice" }, reason: "changed my mind" };

describe("Order", () => {
  it("is placed with a price snapshot per line and totals", () => {
    given(orderDecider)
      .when({
        type: "PlaceOrder",
        orderId: o,
        customerId: "alice",
        currency: "EUR",
        placedAt: "2026-03-01T10:00:00.000Z",
        lines: [
          { bookId: "sicp", title: "SICP", quantity: 2, unitPriceCents: 4500 },
          { bookId: "kr", title: "K&R", quantity: 1, unitPriceCents: 3999 },
        ],
      })
      .then(placed);
  });

  it("is placed once, and never empty", () => {
    given(orderDecider, placed)
      .when({ type: "PlaceOrder", orderId: o, customerId: "alice", currency: "EUR", placedAt: "x", lines: [] })
      .thenFails("OrderAlreadyExists");
    given(orderDecider).when({ type: "PlaceOrder", orderId: o, customerId: "alice", currency: "EUR", placedAt: "x", lines: [] }).thenFails("EmptyCart");
  });

  it("commands on an order that does not exist fail as not found", () => {
    for (const command of [pay, fail, ship, deliver, cancelByAlice]) given(orderDecider).when(command).thenFails({ kind: "OrderNotFound", orderId: o });
  });

  describe("payment", () => {
    it("a placed order is paid with exactly its total", () => {
      given(orderDecider, placed).when(pay).then(paid);
    });

    it("refuses a payment of another amount or currency", () => {
      given(orderDecider, placed).when({ ...pay, amountCents: 100 }).thenFails({ kind: "PaymentAmountMismatch", expectedCents: 12999, actualCents: 100 });
      given(orderDecider, placed).when({ ...pay, currency: "USD" }).thenFails("PaymentAmountMismatch");
    });

    it("recording the same payment twice changes nothing; another payment is refused", () => {
      given(orderDecider, placed, paid).when(pay).then();
      given(orderDecider, placed, paid).when({ ...pay, paymentId: "ch_2" }).thenFails({ kind: "IllegalOrderTransition", status: "paid", action: "paid" });
    });

    it("a cancelled order cannot be paid", () => {
      given(orderDecider, placed, cancelled).when(pay).thenFails({ kind: "IllegalOrderTransition", status: "cancelled" });
    });

    it("a failed payment cancels the order", () => {
      given(orderDecider, placed)
        .when(fail)
        .then(
          event("OrderPaymentFailed", { orderId: o, reason: "card_declined" }),
          event("OrderCancelled", { orderId: o, reason: "payment failed: card_declined", by: "system" }),
        );
      given(orderDecider, placed)
        .when({ ...fail, reason: " " })
        .then(
          event("OrderPaymentFailed", { orderId: o, reason: "payment failed" }),
          event("OrderCancelled", { orderId: o, reason: "payment failed: payment failed", by: "system" }),
        );
    });

    it("a failed payment of an order already cancelled changes nothing; of a paid one is refused", () => {
      given(orderDecider, placed, cancelled).when(fail).then();
      given(orderDecider, placed, paid).when(fail).thenFails("IllegalOrderTransition");
    });
  });

  describe("fulfilment", () => {
    it("ships a paid order and delivers a shipped one", () => {
      given(orderDecider, placed, paid).when(ship).then(shipped);
      given(orderDecider, placed, paid, shipped).when(deliver).then(delivered);
    });

    it("does not ship an unpaid or cancelled order, nor deliver an unshipped one", () => {
      given(orderDecider, placed).when(ship).thenFails({ kind: "IllegalOrderTransition", status: "placed", action: "shipped" });
      given(orderDecider, placed, cancelled).when(ship).thenFails("IllegalOrderTransition");
      given(orderDecider, placed, paid).when(deliver).thenFails({ kind: "IllegalOrderTransition", status: "paid", action: "delivered" });
      given(orderDecider, placed, paid, shipped, delivered).when(deliver).thenFails("IllegalOrderTransition");
    });
  });

  describe("cancelling", () => {
    it("the customer cancels their own order before it ships, paid or not", () => {
      given(orderDecider, placed).when(cancelByAlice).then(cancelled);
      given(orderDecider, placed, paid).when(cancelByAlice).then(cancelled);
    });

    it("an admin cancels any order; without a reason one is written", () => {
      given(orderDecider, placed)
        .when({ type: "CancelOrder", orderId: o, actor: { role: "admin", adminId: "root" } })
        .then(event("OrderCancelled", { orderId: o, reason: "cancelled by the admin", by: "admin" }));
    });

    it("another customer is told the order does not exist", () => {
      given(orderDecider, placed).when({ ...cancelByAlice, actor: { role: "customer", customerId: "mallory" } }).thenFails({ kind: "OrderNotFound", orderId: o });
    });

    it("cannot cancel once shipped, delivered or already cancelled", () => {
      given(orderDecider, placed, paid, shipped).when(cancelByAlice).thenFails({ kind: "IllegalOrderTransition", status: "shipped", action: "cancelled" });
      given(orderDecider, placed, paid, shipped, delivered).when(cancelByAlice).thenFails({ kind: "IllegalOrderTransition", status: "delivered" });
      given(orderDecider, placed, cancelled).when(cancelByAlice).thenFails({ kind: "IllegalOrderTransition", status: "cancelled" });
    });
  });
});
