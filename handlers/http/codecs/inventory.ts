import * as t from "io-ts";
import { Id } from "./common.js";
import { intBetween, text } from "./refine.js";
import { strict } from "./strict.js";
import { withSchema } from "../json-schema-hints.js";

const Count = intBetween("Count", 0, Number.MAX_SAFE_INTEGER);

export const ReceiveStockBody = strict("ReceiveStockBody", { quantity: intBetween("ReceivedQuantity", 1, 100_000) });
/** `version` is the inventory stream's, the one `minVersion` compares with. */
export const InventoryView = t.type({ bookId: Id, onHand: Count, reserved: Count, available: Count, version: Count }, "InventoryView");

const MAX_DELTA = 100_000;
/** Copies on hand gained or lost: a whole number, never 0. */
const StockDelta = withSchema(
  t.refinement(t.number, (n) => Number.isInteger(n) && n !== 0 && Math.abs(n) <= MAX_DELTA, "StockDelta"),
  { type: "integer", format: "int32", minimum: -MAX_DELTA, maximum: MAX_DELTA, not: { const: 0 } },
);

/** A count correction: copies found (positive) or lost, damaged, written off (negative). */
export const AdjustStockBody = strict("AdjustStockBody", {
  delta: StockDelta,
  reason: text("AdjustmentReason", 500),
});
