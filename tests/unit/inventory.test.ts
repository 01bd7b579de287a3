import { describe, expect, it } from "vitest";
import { event } from "../../events/index.js";
import { fold } from "../../domain/decider.js";
import { available, inventoryDecider } from "../../domain/inventory.js";
import { given } from "../../domain/testing.js";
import { committed, received, released, reserved } from "./fixtures.js";

const b = "sicp";
const reserve = (orderId: string, quantity: number) => ({ type: "ReserveStock" as const, bookId: b, orderId, quantity });
const commit = (orderId: string) => ({ type: "CommitReservation" as const, bookId: b, orderId });
const release = (orderId: string) => ({ type: "ReleaseReservation" as const, bookId: b, orderId });
const adjust = (delta: number, reason = "recount") => ({ type: "AdjustStock" as const, bookId: b, delta, reason });

describe("Inventory", () => {
  it("receives stock", () => {
    given(inventoryDecider).when({ type: "ReceiveStock", bookId: b, quantity: 10 }).then(received(b, 10));
  });

  it("receives only a positive whole number of copies", () => {
    given(inventoryDecider).when({ type: "ReceiveStock", bookId: b, quantity: 0 }).thenFails("InvalidQuantity");
  });

  it("reserves what is available for an order", () => {
    given(inventoryDecider, received(b, 10), reserved(b, "o1", 7)).when(reserve("o2", 3)).then(reserved(b, "o2", 3));
  });

  it("refuses to reserve more than is available, saying what is", () => {
    given(inventoryDecider, received(b, 10), reserved(b, "o1", 7))
      .when(reserve("o2", 4))
      .thenFails({ kind: "InsufficientStock", lines: [{ bookId: b, requested: 4, available: 3 }] });
  });

  it("refuses to reserve nothing", () => {
    given(inventoryDecider, received(b, 10)).when(reserve("o1", 0)).thenFails("InvalidQuantity");
  });

  it("treats the same reservation asked for twice as done", () => {
    given(inventoryDecider, received(b, 10), reserved(b, "o1", 2)).when(reserve("o1", 2)).then();
  });

  it("refuses a different reservation for an order that already holds one", () => {
    given(inventoryDecider, received(b, 10), reserved(b, "o1", 2)).when(reserve("o1", 3)).thenFails("ReservationConflict");
  });

  describe("commit", () => {
    it("commits exactly what the order holds", () => {
      given(inventoryDecider, received(b, 10), reserved(b, "o1", 2), reserved(b, "o2", 5)).when(commit("o2")).then(committed(b, "o2", 5));
    });

    it("cannot commit what was never reserved, was released, or was already committed", () => {
      given(inventoryDecider, received(b, 10), reserved(b, "o1", 2), committed(b, "o1", 2)).when(commit("o1")).thenFails("ReservationNotFound");
      given(inventoryDecider, received(b, 10)).when(commit("o1")).thenFails({ kind: "ReservationNotFound", orderId: "o1" });
      given(inventoryDecider, received(b, 10), reserved(b, "o1", 2), released(b, "o1", 2)).when(commit("o1")).thenFails("ReservationNotFound");
    });
  });

  describe("release", () => {
    it("releases exactly what the order holds", () => {
      given(inventoryDecider, received(b, 10), reserved(b, "o1", 2), reserved(b, "o2", 5)).when(release("o1")).then(released(b, "o1", 2));
    });

    it("releasing a paid order gives nothing: its copies come back by ReturnStock", () => {
      given(inventoryDecider, received(b, 10), reserved(b, "o1", 2), committed(b, "o1", 2)).when(release("o1")).then();
    });

    it("releasing again, or an order that holds nothing, is a no-op", () => {
      given(inventoryDecider, received(b, 10), reserved(b, "o1", 2), released(b, "o1", 2)).when(release("o1")).then();
      given(inventoryDecider).when(release("o9")).then();
    });
  });

  describe("return", () => {
    const giveBack = (orderId: string, quantity: number) => ({ type: "ReturnStock" as const, bookId: b, orderId, quantity });

    it("puts a paid order's copies back on the shelf", () => {
      const state = fold(inventoryDecider, [received(b, 10), reserved(b, "o1", 2), committed(b, "o1", 2)]);
      expect(state.onHand).toBe(8);
      given(inventoryDecider, received(b, 10), reserved(b, "o1", 2), committed(b, "o1", 2))
        .when(giveBack("o1", 2))
        .then(event("StockReturned", { bookId: b, orderId: "o1", quantity: 2 }));
    });

    it("refuses to return copies an order still only holds, and a quantity below one", () => {
      given(inventoryDecider, received(b, 10), reserved(b, "o1", 2)).when(giveBack("o1", 2)).thenFails("ReservationConflict");
      given(inventoryDecider, received(b, 10)).when(giveBack("o1", 0)).thenFails("InvalidQuantity");
    });
  });

  describe("adjust", () => {
    it("corrects the count with a reason", () => {
      given(inventoryDecider, received(b, 10)).when(adjust(-3, " two damaged, one lost ")).then(event("StockAdjusted", { bookId: b, delta: -3, reason: "two damaged, one lost" }));
      given(inventoryDecider, received(b, 10)).when(adjust(4)).then(event("StockAdjusted", { bookId: b, delta: 4, reason: "recount" }));
    });

    it("refuses a zero change and a missing reason", () => {
      given(inventoryDecider, received(b, 10)).when(adjust(0)).thenFails("InvalidAdjustment");
      given(inventoryDecider, received(b, 10)).when(adjust(-1, "  ")).thenFails("MissingReason");
    });

    it("never takes the count below what is reserved", () => {
      given(inventoryDecider, received(b, 10), reserved(b, "o1", 8))
        .when(adjust(-3))
        .thenFails({ kind: "StockBelowReserved", available: 2, delta: -3 });
      given(inventoryDecider, received(b, 10), reserved(b, "o1", 8)).when(adjust(-2)).then(event("StockAdjusted", { bookId: b, delta: -2, reason: "recount" }));
    });
  });

  it("counts on hand, reserved and available through a whole order life", () => {
    const state = fold(inventoryDecider, [
      received(b, 10),
      reserved(b, "o1", 2),
      reserved(b, "o2", 3),
      committed(b, "o1", 2),
      released(b, "o2", 3),
      reserved(b, "o3", 4),
      event("StockAdjusted", { bookId: b, delta: -1, reason: "damaged" }),
    ]);
    expect({ onHand: state.onHand, reserved: state.reserved, available: available(state) }).toEqual({ onHand: 7, reserved: 4, available: 3 });
    expect([...state.open]).toEqual([["o3", 4]]);
  });
});
