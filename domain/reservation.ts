import { absurd } from "fp-ts/lib/function.js";
import { event, streams } from "../events/index.js";
import type { InventoryEvent } from "./inventory.js";
import type { Order } from "./order.js";
import { defineAggregate } from "./aggregate.js";

/**
 * An order's hold on stock, one line per book, in a stream of the order's own
 * (`reservation#<orderId>`). Checkout reserves every line there in the same transaction that
 * places the order; afterwards the lines follow the order: a paid order commits them, a
 * cancelled one releases them (or returns them, once committed). Keeping the lines with the
 * order rather than on each book's inventory stream is what lets checkouts of one book proceed
 * side by side: none of them needs that stream's next version (see the design document).
 */
export type LineStatus = "held" | "committed" | "released" | "returned";
export interface ReservedLine {
  readonly bookId: string;
  readonly quantity: number;
  readonly status: LineStatus;
}
/** The order's lines by book; empty until checkout reserved them. */
export type ReservationState = ReadonlyMap<string, ReservedLine>;

export const initialReservation: ReservationState = new Map();

const statusAfter = (type: InventoryEvent["type"]): LineStatus | undefined => {
  switch (type) {
    case "StockReserved":
      return "held";
    case "ReservationCommitted":
      return "committed";
    case "ReservationReleased":
      return "released";
    case "StockReturned":
      return "returned";
    case "StockReceived":
    case "StockAdjusted":
      return undefined;
    default:
      return absurd(type);
  }
};

export const evolveReservation = (s: ReservationState, e: InventoryEvent): ReservationState => {
  const status = statusAfter(e.type);
  if (status === undefined || !("orderId" in e.data)) return s;
  const next = new Map(s);
  next.set(e.data.bookId, { bookId: e.data.bookId, quantity: e.data.quantity, status });
  return next;
};

/**
 * The events that bring an order's stock to where the order stands: nothing while it is placed,
 * held lines committed once it is paid (or shipped, delivered), held lines released and
 * committed ones returned once it is cancelled. Asking again once there is nothing empty:
 * whoever runs it (the request that moved the order, or the stream process after it) may run
 * it any number of times.
 */
export const settleReservation = (order: Order | null, s: ReservationState): InventoryEvent[] => {
  if (order === null) return [];
  const out: InventoryEvent[] = [];
  for (const line of s.values()) {
    const { bookId, quantity } = line;
    const orderId = order.orderId;
    switch (order.status) {
      case "placed":
        break;
      case "paid":
      case "partially-shipped":
      case "shipped":
      case "delivered":
        if (line.status === "held") out.push(event("ReservationCommitted", { bookId, orderId, quantity }));
        break;
      case "cancelled":
        if (line.status === "held") out.push(event("ReservationReleased", { bookId, orderId, quantity }));
        else if (line.status === "committed") out.push(event("StockReturned", { bookId, orderId, quantity }));
        break;
      default:
        absurd(order.status);
    }
  }
  return out;
};

export const reservationAggregate = defineAggregate<ReservationState>("reservation", streams.reservation, {
  initialState: initialReservation,
  evolve: evolveReservation,
});
