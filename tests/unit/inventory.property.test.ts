import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { isRight } from "fp-ts/lib/Either.js";
import { available, inventoryDecider, type InventoryCommand, type InventoryState } from "../../domain/inventory.js";

const bookId = "b";
const orderId = fc.constantFrom("o1", "o2", "o3", "o4", "o5");
const command: fc.Arbitrary<InventoryCommand> = fc.oneof(
  fc.record({ type: fc.constant("ReceiveStock" as const), bookId: fc.constant(bookId), quantity: fc.integer({ min: -2, max: 20 }) }),
  fc.record({ type: fc.constant("ReserveStock" as const), bookId: fc.constant(bookId), orderId, quantity: fc.integer({ min: -1, max: 15 }) }),
  fc.record({ type: fc.constant("CommitReservation" as const), bookId: fc.constant(bookId), orderId }),
  fc.record({ type: fc.constant("ReleaseReservation" as const), bookId: fc.constant(bookId), orderId }),
  fc.record({ type: fc.constant("AdjustStock" as const), bookId: fc.constant(bookId), delta: fc.integer({ min: -20, max: 10 }), reason: fc.constantFrom("recount", "") }),
);

const sum = (m: InventoryState["open"]): number => [...m.values()].reduce((a, b) => a + b, 0);

describe("Inventory under any sequence of commands", () => {
  it("never lets available (on hand - reserved) go below zero, and reserved is always the sum of the open reservations", () => {
    fc.assert(
      fc.property(fc.array(command, { maxLength: 80 }), (commands) => {
        let state: InventoryState = inventoryDecider.initialState;
        for (const c of commands) {
          const decided = inventoryDecider.decide(c, state);
          if (isRight(decided)) for (const e of decided.right) state = inventoryDecider.evolve(state, e);
          expect(available(state)).toBeGreaterThanOrEqual(0);
          expect(state.reserved).toBe(sum(state.open));
          expect(state.onHand).toBeGreaterThanOrEqual(0);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("releasing every open order gives back all reserved copies", () => {
    fc.assert(
      fc.property(fc.array(command, { maxLength: 60 }), (commands) => {
        let state: InventoryState = inventoryDecider.initialState;
        const apply = (c: InventoryCommand) => {
          const decided = inventoryDecider.decide(c, state);
          if (isRight(decided)) for (const e of decided.right) state = inventoryDecider.evolve(state, e);
        };
        commands.forEach(apply);
        for (const id of [...state.open.keys()]) apply({ type: "ReleaseReservation", bookId, orderId: id });
        expect(state.reserved).toBe(0);
        expect(available(state)).toBe(state.onHand);
      }),
      { numRuns: 300 },
    );
  });
});
