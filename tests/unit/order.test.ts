import { describe, it } from "vitest";
import { event } from "../../events/index.js";
import { orderDecider } from "../../domain/order.js";
import { given } from "../../domain/testing.js";
import { orderPaid as paid, orderPlaced as placed } from "./fixtures.js";
import { SHIP_TO } from "../kit/ship-to.js";

const o = "o1";
const at = "2026-03-02T09:00:00.000Z";
const shipped = event("OrderShipped", { orderId: o });
const delivered = event("OrderDelivered", { orderId: o });
const dispatched = (shipmentId: string, lines: { bookId: string; quantity: number }[]) =>
  event("ShipmentDispatched", { orderId: o, shipmentId, carrier: "DHL", trackingNumber: `T-${shipmentId}`, lines, shippedAt: at });
const arrived = (shipmentId: string) => event("ShipmentDelivered", { orderId: o, shipmentId, deliveredAt: at });
const allLines = [
  { bookId: "sicp", quantity: 2 },
  { bookId: "kr", quantity: 1 },
];
const cancelled = event("OrderCancelled", { orderId: o, reason: "changed my mind", by: "customer" });

const pay = { type: "RecordOrderPayment" as const, orderId: o, paymentId: "ch_1", amountCents: 12999, currency: "EUR" };
const fail = { type: "RecordOrderPaymentFailure" as const, orderId: o, reason: "card_declined" };
const ship = { type: "ShipOrder" as const, orderId: o, shipmentId: "s1", carrier: "DHL", trackingNumber: "T-s1", at };
const deliver = { type: "DeliverShipment" as const, orderId: o, shipmentId: "s1", at };
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
        shippingAddress: SHIP_TO,
        lines: [
          { bookId: "sicp", title: "SICP", quantity: 2, unitPriceCents: 4500 },
          { bookId: "kr", title: "K&R", quantity: 1, unitPriceCents: 3999 },
        ],
      })
      .then(placed);
  });

  it("is placed once, and never empty", () => {
    given(orderDecider, placed)
      .when({ type: "PlaceOrder", orderId: o, customerId: "alice", currency: "EUR", placedAt: "x", lines: [], shippingAddress: SHIP_TO })
      .thenFails("OrderAlreadyExists");
    given(orderDecider)
      .when({ type: "PlaceOrder", orderId: o, customerId: "alice", currency: "EUR", placedAt: "x", lines: [], shippingAddress: SHIP_TO })
      .thenFails("EmptyCart");
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
    it("ships everything not yet shipped when no lines are named, and delivers it", () => {
      given(orderDecider, placed, paid).when(ship).then(dispatched("s1", allLines), shipped);
      given(orderDecider, placed, paid, dispatched("s1", allLines), shipped).when(deliver).then(arrived("s1"), delivered);
    });

    it("ships in parts: partially shipped until the last copy leaves, delivered when every shipment has arrived", () => {
      const first = dispatched("s1", [{ bookId: "sicp", quantity: 1 }]);
      given(orderDecider, placed, paid).when({ ...ship, lines: [{ bookId: "sicp", quantity: 1 }] }).then(first);
      given(orderDecider, placed, paid, first)
        .when({ ...ship, shipmentId: "s2", trackingNumber: "T-s2" })
        .then(
          dispatched("s2", [
            { bookId: "sicp", quantity: 1 },
            { bookId: "kr", quantity: 1 },
          ]),
          shipped,
        );
      const second = dispatched("s2", [
        { bookId: "sicp", quantity: 1 },
        { bookId: "kr", quantity: 1 },
      ]);
      // The first parcel arriving before the second left: the order is not delivered yet.
      given(orderDecider, placed, paid, first).when(deliver).then(arrived("s1"));
      given(orderDecider, placed, paid, first, second, shipped, arrived("s1")).when({ ...deliver, shipmentId: "s2" }).then(arrived("s2"), delivered);
      // Without a shipment id, every shipment still on its way.
      given(orderDecider, placed, paid, first, second, shipped)
        .when({ type: "DeliverShipment", orderId: o, at })
        .then(arrived("s1"), arrived("s2"), delivered);
    });

    it("refuses to ship more than remains, listing each line over", () => {
      given(orderDecider, placed, paid)
        .when({ ...ship, lines: [{ bookId: "sicp", quantity: 3 }] })
        .thenFails({ kind: "ShipsTooMuch", lines: [{ bookId: "sicp", requested: 3, available: 2 }] });
      given(orderDecider, placed, paid, dispatched("s1", allLines), shipped)
        .when({ ...ship, shipmentId: "s2", lines: [{ bookId: "kr", quantity: 1 }] })
        .thenFails("IllegalOrderTransition");
      given(orderDecider, placed, paid)
        .when({ ...ship, lines: [{ bookId: "odyssey", quantity: 1 }] })
        .thenFails({ kind: "ShipsTooMuch", lines: [{ bookId: "odyssey", requested: 1, available: 0 }] });
    });

    it("the same shipment reported twice changes nothing; the same id with other contents is refused", () => {
      given(orderDecider, placed, paid, dispatched("s1", allLines), shipped).when(ship).then();
      given(orderDecider, placed, paid, dispatched("s1", allLines), shipped).when({ ...ship, trackingNumber: "other" }).thenFails("ShipmentConflict");
      given(orderDecider, placed, paid, dispatched("s1", allLines), shipped, arrived("s1"), delivered).when(deliver).then();
    });

    it("does not ship an unpaid or cancelled order, nor deliver a shipment that never left", () => {
      given(orderDecider, placed).when(ship).thenFails({ kind: "IllegalOrderTransition", status: "placed", action: "shipped" });
      given(orderDecider, placed, cancelled).when(ship).thenFails("IllegalOrderTransition");
      given(orderDecider, placed, paid).when(deliver).thenFails({ kind: "ShipmentNotFound", shipmentId: "s1" });
      given(orderDecider, placed, paid).when({ type: "DeliverShipment", orderId: o, at }).thenFails({ kind: "IllegalOrderTransition", status: "paid", action: "delivered" });
    });

    it("records a shipment exception without changing the order's status", () => {
      const note = "parcel damaged at the depot";
      given(orderDecider, placed, paid, dispatched("s1", allLines))
        .when({ type: "RecordShipmentException", orderId: o, shipmentId: "s1", note: `  ${note} `, at })
        .then(event("ShipmentException", { orderId: o, shipmentId: "s1", note, at }));
      given(orderDecider, placed, paid).when({ type: "RecordShipmentException", orderId: o, note: "address not found", at }).then(
        event("ShipmentException", { orderId: o, shipmentId: null, note: "address not found", at }),
      );
      given(orderDecider, placed, paid).when({ type: "RecordShipmentException", orderId: o, shipmentId: "nope", note, at }).thenFails("ShipmentNotFound");
      given(orderDecider, placed).when({ type: "RecordShipmentException", orderId: o, note, at }).thenFails("IllegalOrderTransition");
    });

    it("an order that has started to ship cannot be cancelled", () => {
      given(orderDecider, placed, paid, dispatched("s1", [{ bookId: "kr", quantity: 1 }]))
        .when(cancelByAlice)
        .thenFails({ kind: "IllegalOrderTransition", status: "partially-shipped", action: "cancelled" });
      given(orderDecider, placed, paid, dispatched("s1", allLines), shipped).when(cancelByAlice).thenFails({ kind: "IllegalOrderTransition", status: "shipped" });
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
