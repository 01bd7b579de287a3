import * as t from "io-ts";
import { schema } from "./upcast.js";
import { Int, NonEmptyString, Quantity } from "./scalars.js";

/** One inventory stream per book. Available = onHand - reserved; every event keeps it >= 0. */
export const StockReceived = schema("StockReceived", t.type({ bookId: t.string, quantity: Quantity }));
/** Held for one order at checkout; `orderId` makes commit and release exact. */
export const StockReserved = schema("StockReserved", t.type({ bookId: t.string, orderId: t.string, quantity: Quantity }));
/** The order was paid: the reserved copies leave `onHand` and `reserved` together. */
export const ReservationCommitted = schema(
  "ReservationCommitted",
  t.type({ bookId: t.string, orderId: t.string, quantity: Quantity }),
);
/** The order was cancelled or its payment failed before it was paid: the hold is lifted. */
export const ReservationReleased = schema(
  "ReservationReleased",
  t.type({ bookId: t.string, orderId: t.string, quantity: Quantity }),
);
/** A paid (committed) order was cancelled before shipping: its copies go back on the shelf. */
export const StockReturned = schema("StockReturned", t.type({ bookId: t.string, orderId: t.string, quantity: Quantity }));
/** A count correction (shrinkage, damage, a recount); `delta` may be negative. */
export const StockAdjusted = schema("StockAdjusted", t.type({ bookId: t.string, delta: Int, reason: NonEmptyString }));
