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

/** How one stock event moves a book's levels; available = onHand - reserved. */
export interface StockMovement {
  readonly onHand: number;
  readonly reserved: number;
}

type StockEventLike =
  | { readonly type: "StockReceived" | "StockReserved" | "ReservationCommitted" | "ReservationReleased" | "StockReturned"; readonly data: { readonly bookId: string; readonly quantity: number } }
  | { readonly type: "StockAdjusted"; readonly data: { readonly bookId: string; readonly delta: number } };

/**
 * The one definition of the stock arithmetic, wherever the event is stored (a book's inventory
 * stream or an order's reservation stream): the command side's stock counter, the inventory
 * read model and the search index all move by it.
 */
export const stockMovement = (e: StockEventLike): StockMovement => {
  switch (e.type) {
    case "StockReceived":
    case "StockReturned":
      return { onHand: e.data.quantity, reserved: 0 };
    case "StockReserved":
      return { onHand: 0, reserved: e.data.quantity };
    case "ReservationCommitted":
      return { onHand: -e.data.quantity, reserved: -e.data.quantity };
    case "ReservationReleased":
      return { onHand: 0, reserved: -e.data.quantity };
    case "StockAdjusted":
      return { onHand: e.data.delta, reserved: 0 };
  }
};

/** The copies one can order at some levels (or by how many a movement changes that). */
export const availableIn = (levels: StockMovement): number => levels.onHand - levels.reserved;

export const stockEventTypes = ["StockReceived", "StockReserved", "ReservationCommitted", "ReservationReleased", "StockReturned", "StockAdjusted"] as const;
