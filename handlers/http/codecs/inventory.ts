import * as t from "io-ts";
import { Id } from "./common.js";
import { intBetween, text } from "./refine.js";
import { strict } from "./strict.js";

const Count = intBetween("Count", 0, Number.MAX_SAFE_INTEGER);

export const ReceiveStockBody = strict("ReceiveStockBody", { quantity: intBetween("ReceivedQuantity", 1, 100_000) });
/** `version` is the inventory stream's, the one `minVersion` compares with. */
export const InventoryView = t.type({ bookId: Id, onHand: Count, reserved: Count, available: Count, version: Count }, "InventoryView");

/** A count correction: copies found (positive) or lost, damaged, written off (negative). */
export const AdjustStockBody = strict("AdjustStockBody", {
  /** Not 0 (the domain refuses it, naming the field). */
  delta: intBetween("StockDelta", -100_000, 100_000),
  reason: text("AdjustmentReason", 500),
});
