import { streamId, type StreamId } from "./envelope.js";

/**
 * The stream of each aggregate, in one place so that command handling, projections and the CLI
 * agree on them. A rating is one stream per customer and book, so re-rating is a tiny fold.
 */
export const streams = {
  book: (bookId: string): StreamId => streamId("book", bookId),
  inventory: (bookId: string): StreamId => streamId("inventory", bookId),
  cart: (customerId: string): StreamId => streamId("cart", customerId),
  order: (orderId: string): StreamId => streamId("order", orderId),
  payment: (orderId: string): StreamId => streamId("payment", orderId),
  /**
   * An order's hold on stock: the StockReserved, ReservationCommitted, ReservationReleased and
   * StockReturned events of its lines. They live with the order, not on the book's inventory
   * stream, so that checkouts of one book never contend for that stream's next version.
   */
  reservation: (orderId: string): StreamId => streamId("reservation", orderId),
  rating: (bookId: string, customerId: string): StreamId => streamId("rating", `${bookId}.${customerId}`),
  /** A customer's profile, address book and consents, one stream per Cognito `sub`. */
  customer: (customerId: string): StreamId => streamId("customer", customerId),
} as const;

export type Aggregate = keyof typeof streams;
