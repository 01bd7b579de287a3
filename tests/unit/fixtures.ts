import { event } from "../../events/index.js";
import { SHIP_TO } from "../kit/ship-to.js";
import type { Book } from "../../domain/book.js";
import type { CatalogueContext } from "../../domain/book.js";

/** Small builders so scenarios read as events, not as object literals. */
export const sicp: Book = {
  bookId: "sicp",
  title: "Structure and Interpretation of Computer Programs",
  authors: ["Harold Abelson", "Gerald Jay Sussman"],
  isbn: "9780262033848",
  category: "computing",
  description: "The wizard book.",
  priceCents: 4500,
  currency: "EUR",
  discontinued: false,
};
export const kr: Book = { ...sicp, bookId: "kr", title: "The C Programming Language", authors: ["Brian Kernighan", "Dennis Ritchie"], isbn: "9780131103627", priceCents: 3999 };
export const odyssey: Book = { ...sicp, bookId: "odyssey", title: "The Odyssey", authors: ["Homer"], isbn: "9780140449136", priceCents: 1299 };

export const catalogueOf = (...books: Book[]): CatalogueContext => ({ books: new Map(books.map((b) => [b.bookId, b])) });

export const bookAdded = (b: Book) => {
  const { discontinued: _d, ...data } = b;
  return event("BookAdded", data);
};

export const received = (bookId: string, quantity: number) => event("StockReceived", { bookId, quantity });
export const reserved = (bookId: string, orderId: string, quantity: number) => event("StockReserved", { bookId, orderId, quantity });
export const committed = (bookId: string, orderId: string, quantity: number) => event("ReservationCommitted", { bookId, orderId, quantity });
export const released = (bookId: string, orderId: string, quantity: number) => event("ReservationReleased", { bookId, orderId, quantity });

export const itemAdded = (customerId: string, b: Book, quantity: number) =>
  event("CartItemAdded", { customerId, bookId: b.bookId, title: b.title, quantity, unitPriceCents: b.priceCents, currency: b.currency });

export const now = new Date("2026-03-01T10:00:00.000Z");

/** What checking out a cart of two SICP and one K&R places: priced from the catalogue, at `placedAt`. */
export const placedFromCart = (orderId: string, customerId: string, placedAt: string) =>
  event("OrderPlaced", {
    orderId,
    customerId,
    lines: [
      { bookId: "sicp", title: sicp.title, quantity: 2, unitPriceCents: 4500, lineTotalCents: 9000 },
      { bookId: "kr", title: kr.title, quantity: 1, unitPriceCents: 3999, lineTotalCents: 3999 },
    ],
    itemCount: 3,
    totalCents: 12999,
    currency: "EUR",
    placedAt,
    shippingAddress: SHIP_TO,
  });

/** Order o1: two SICP at 45.00 and one K&R at 39.99, EUR. */
export const orderPlaced = event("OrderPlaced", {
  orderId: "o1",
  customerId: "alice",
  lines: [
    { bookId: "sicp", title: "SICP", quantity: 2, unitPriceCents: 4500, lineTotalCents: 9000 },
    { bookId: "kr", title: "K&R", quantity: 1, unitPriceCents: 3999, lineTotalCents: 3999 },
  ],
  itemCount: 3,
  totalCents: 12999,
  currency: "EUR",
  placedAt: "2026-03-01T10:00:00.000Z",
  shippingAddress: SHIP_TO,
});
export const orderPaid = event("OrderPaid", { orderId: "o1", paymentId: "ch_1", amountCents: 12999, currency: "EUR" });
