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
  rating: (bookId: string, customerId: string): StreamId => streamId("rating", `${bookId}.${customerId}`),
} as const;

export type Aggregate = keyof typeof streams;
