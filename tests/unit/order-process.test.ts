import { describe, expect, it } from "vitest";
import { isLeft, isRight, type Either } from "fp-ts/lib/Either.js";
import { event } from "../../events/index.js";
import { fold } from "../../domain/decider.js";
import { inventoryDecider, type InventoryState } from "../../domain/inventory.js";
import { orderDecider } from "../../domain/order.js";
import { decideCancellation, decidePaymentResult, type OrderDecision, type OrderStreams } from "../../domain/order-process.js";
import type { DomainError } from "../../domain/errors.js";
import { committed, orderPaid as paid, orderPlaced as placed, received, released, reserved } from "./fixtures.js";

const held = (): Map<string, InventoryState> =>
  new Map([
    ["sicp", fold(inventoryDecider, [received("sicp", 5), reserved("sicp", "o1", 2)])],
    ["kr", fold(inventoryDecider, [received("kr", 5), reserved("kr", "o1", 1)])],
  ]);
const streams = (orderEvents: Parameters<typeof orderDecider.evolve>[1][], inventories = held()): OrderStreams => ({
  order: fold(orderDecider, orderEvents),
  inventories,
});
const ok = (r: Either<DomainError, OrderDecision>) => {
  if (!isRight(r)) throw new Error(r.left.message);
  return { order: r.right.order, inventories: [...r.right.inventories] };
};

describe("After checkout", () => {
  it("a captured charge pays the order and commits each reservation", () => {
    expect(ok(decidePaymentResult(streams([placed]), "o1", { status: "captured", chargeId: "ch_1" }))).toEqual({
      order: [paid],
      inventories: [
        ["sicp", [committed("sicp", "o1", 2)]],
        ["kr", [committed("kr", "o1", 1)]],
      ],
    });
  });

  it("a declined charge cancels the order and releases the stock", () => {
    expect(ok(decidePaymentResult(streams([placed]), "o1", { status: "declined", reason: "card_declined" }))).toEqual({
      order: [
        event("OrderPaymentFailed", { orderId: "o1", reason: "card_declined" }),
        event("OrderCancelled", { orderId: "o1", reason: "payment failed: card_declined", by: "system" }),
      ],
      inventories: [
        ["sicp", [released("sicp", "o1", 2)]],
        ["kr", [released("kr", "o1", 1)]],
      ],
    });
  });

  it("a transient failure changes neither the order nor the stock", () => {
    expect(ok(decidePaymentResult(streams([placed]), "o1", { status: "failed", reason: "timeout" }))).toEqual({ order: [], inventories: [] });
  });

  it("a capture recorded twice touches nothing the second time", () => {
    expect(ok(decidePaymentResult(streams([placed, paid]), "o1", { status: "captured", chargeId: "ch_1" }))).toEqual({ order: [], inventories: [] });
  });

  it("the customer cancelling a paid order gets its copies back on the shelf", () => {
    const inventories = new Map([
      ["sicp", fold(inventoryDecider, [received("sicp", 5), reserved("sicp", "o1", 2), committed("sicp", "o1", 2)])],
      ["kr", fold(inventoryDecider, [received("kr", 5), reserved("kr", "o1", 1), committed("kr", "o1", 1)])],
    ]);
    expect(ok(decideCancellation(streams([placed, paid], inventories), "o1", { role: "customer", customerId: "alice" }, "too slow"))).toEqual({
      order: [event("OrderCancelled", { orderId: "o1", reason: "too slow", by: "customer" })],
      inventories: [
        ["sicp", [event("StockReturned", { bookId: "sicp", orderId: "o1", quantity: 2 })]],
        ["kr", [event("StockReturned", { bookId: "kr", orderId: "o1", quantity: 1 })]],
      ],
    });
  });

  it("cancelling an unpaid order releases its reservations; a line already released is skipped", () => {
    const inventories = held();
    inventories.set("kr", fold(inventoryDecider, [received("kr", 5), reserved("kr", "o1", 1), released("kr", "o1", 1)]));
    expect(ok(decideCancellation(streams([placed], inventories), "o1", { role: "admin", adminId: "root" }))).toEqual({
      order: [event("OrderCancelled", { orderId: "o1", reason: "cancelled by the admin", by: "admin" })],
      inventories: [["sicp", [released("sicp", "o1", 2)]]],
    });
  });

  it("refuses what the order refuses, and an order that does not exist", () => {
    const shipped = streams([placed, paid, event("OrderShipped", { orderId: "o1" })]);
    const r = decideCancellation(shipped, "o1", { role: "customer", customerId: "alice" });
    expect(isLeft(r) && r.left.kind).toBe("IllegalOrderTransition");
    const none = decideCancellation(streams([]), "o9", { role: "admin", adminId: "root" });
    expect(isLeft(none) && none.left).toMatchObject({ kind: "OrderNotFound", orderId: "o9" });
    const unpaid = decidePaymentResult(streams([]), "o9", { status: "captured", chargeId: "ch" });
    expect(isLeft(unpaid) && unpaid.left.kind).toBe("OrderNotFound");
  });

  it("a capture whose reservation is gone is refused rather than committing nothing", () => {
    const inventories = held();
    inventories.set("kr", fold(inventoryDecider, [received("kr", 5)]));
    const r = decidePaymentResult(streams([placed], inventories), "o1", { status: "captured", chargeId: "ch_1" });
    expect(isLeft(r) && r.left).toMatchObject({ kind: "ReservationNotFound", bookId: "kr", orderId: "o1" });
  });
});
