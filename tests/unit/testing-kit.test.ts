import { describe, expect, it } from "vitest";
import { AssertionError } from "node:assert";
import { event } from "../../events/index.js";
import { inventoryDecider } from "../../domain/inventory.js";
import { given } from "../../domain/testing.js";
import { received } from "./fixtures.js";

const receive = { type: "ReceiveStock" as const, bookId: "b", quantity: 2 };

describe("the given/when/then kit", () => {
  it("passes when the events match and shows a diff when they do not", () => {
    given(inventoryDecider).when(receive).then(received("b", 2));
    let thrown: unknown;
    try {
      given(inventoryDecider).when(receive).then(received("b", 3));
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(AssertionError);
    const message = (thrown as Error).message;
    expect(message).toContain("ReceiveStock");
    expect(message).toMatch(/-\s+quantity: 3|quantity: 3/);
    expect(message).toMatch(/\+\s+quantity: 2/);
  });

  it("fails `then` when the decision was a failure, saying which", () => {
    expect(() => given(inventoryDecider).when({ ...receive, quantity: 0 }).then(received("b", 0))).toThrow(/failed with[\s\S]*InvalidQuantity/);
  });

  it("fails `then()` (nothing happens) when something happened", () => {
    expect(() => given(inventoryDecider).when(receive).then()).toThrow(AssertionError);
  });

  it("matches failures by kind, by fields, or by predicate", () => {
    const outcome = given(inventoryDecider).when({ ...receive, quantity: 0 });
    outcome.thenFails("InvalidQuantity");
    outcome.thenFails({ kind: "InvalidQuantity", quantity: 0 });
    outcome.thenFails((e) => e.kind === "InvalidQuantity" && e.quantity === 0);
    expect(() => outcome.thenFails("InsufficientStock")).toThrow(/does not match[\s\S]*InsufficientStock/);
    expect(() => outcome.thenFails({ quantity: 1 })).toThrow(AssertionError);
    expect(() => outcome.thenFails(() => false)).toThrow(AssertionError);
  });

  it("fails `thenFails` when the command succeeded, showing the events", () => {
    expect(() => given(inventoryDecider).when(receive).thenFails("InvalidQuantity")).toThrow(/but it decided[\s\S]*StockReceived/);
  });

  it("exposes the folded state and the raw result", () => {
    const outcome = given(inventoryDecider, received("b", 4), event("StockAdjusted", { bookId: "b", delta: -1, reason: "lost" })).when(receive);
    expect(outcome.state.onHand).toBe(3);
    expect(outcome.result._tag).toBe("Right");
  });
});

