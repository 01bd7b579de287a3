import { describe, expect, it } from "vitest";
import { isLeft, isRight } from "fp-ts/lib/Either.js";
import { event } from "../../events/index.js";
import { cartDecider } from "../../domain/cart.js";
import { decideCheckout, MAX_ORDER_TOTAL_CENTS, type CheckoutInput } from "../../domain/checkout.js";
import { fold } from "../../domain/decider.js";
import { inventoryDecider, type InventoryState } from "../../domain/inventory.js";
import type { Book } from "../../domain/book.js";
import { itemAdded, kr, now, odyssey, placedFromCart, received, reserved, sicp } from "./fixtures.js";
import { SHIP_TO } from "../kit/ship-to.js";

const alice = "alice";
const stock = (bookId: string, onHand: number, ...held: [string, number][]): [string, InventoryState] => [
  bookId,
  fold(inventoryDecider, [received(bookId, onHand), ...held.map(([o, q]) => reserved(bookId, o, q))]),
];
const input = (over: Partial<CheckoutInput> & { lines?: [Book, number][] }): CheckoutInput => ({
  customerId: alice,
  orderId: "o1",
  cart: fold(cartDecider, (over.lines ?? [[sicp, 2], [kr, 1]]).map(([b, q]) => itemAdded(alice, b, q))),
  inventories: new Map([stock("sicp", 10), stock("kr", 5), stock("odyssey", 5)]),
  books: new Map([sicp, kr, odyssey].map((b) => [b.bookId, b])),
  shippingAddress: SHIP_TO,
  now,
  ...over,
});
const failure = (i: CheckoutInput) => {
  const r = decideCheckout(i);
  if (!isLeft(r)) throw new Error(`expected a failure, got ${JSON.stringify(r.right)}`);
  return r.left;
};

describe("Checkout (pure)", () => {
  it("places the order, reserves each book for it and checks the cart out", () => {
    const result = decideCheckout(input({}));
    if (!isRight(result)) throw new Error(result.left.message);
    expect(result.right.order).toEqual([placedFromCart("o1", alice, now.toISOString())]);
    expect(result.right.reservation).toEqual([reserved("sicp", "o1", 2), reserved("kr", "o1", 1)]);
    expect(result.right.cart).toEqual([event("CartCheckedOut", { customerId: alice, orderId: "o1" })]);
  });

  it("charges the catalogue's price at checkout, not the one shown when the book was added", () => {
    const result = decideCheckout(input({ books: new Map([["sicp", { ...sicp, priceCents: 5000, title: "SICP 2e" }], ["kr", kr]]) }));
    const placed = isRight(result) ? result.right.order[0] : undefined;
    expect(placed?.type === "OrderPlaced" && placed.data.lines[0]).toMatchObject({ title: "SICP 2e", unitPriceCents: 5000, lineTotalCents: 10000 });
    expect(placed?.type === "OrderPlaced" && placed.data.totalCents).toBe(13999);
  });

  it("fails as a whole when any book is short, listing every short line with what is available", () => {
    const err = failure(
      input({
        lines: [[sicp, 3], [kr, 6], [odyssey, 9]],
        inventories: new Map([stock("sicp", 10), stock("kr", 5), stock("odyssey", 10, ["o0", 4])]),
      }),
    );
    expect(err).toMatchObject({
      kind: "InsufficientStock",
      lines: [
        { bookId: "kr", requested: 6, available: 5 },
        { bookId: "odyssey", requested: 9, available: 6 },
      ],
    });
    expect(err.message).toContain("kr wants 6, 5 available");
  });

  it("a book with no inventory stream yet has nothing available", () => {
    expect(failure(input({ inventories: new Map([stock("sicp", 10)]) }))).toMatchObject({
      kind: "InsufficientStock",
      lines: [{ bookId: "kr", requested: 1, available: 0 }],
    });
  });

  it("needs a shipping address, and keeps it trimmed with the country in capitals", () => {
    expect(failure(input({ shippingAddress: null }))).toMatchObject({ kind: "ShippingAddressRequired", field: "shippingAddress" });
    expect(failure(input({ shippingAddress: { ...SHIP_TO, city: "   " } }))).toMatchObject({ kind: "MissingField", field: "shippingAddress/city" });
    expect(failure(input({ shippingAddress: { ...SHIP_TO, country: "GBR" } }))).toMatchObject({ kind: "InvalidCountry", field: "shippingAddress/country" });
    const placed = decideCheckout(input({ shippingAddress: { ...SHIP_TO, name: "  Ada Lovelace ", country: "gb", line2: " ", phone: " +44 20 7946 0000 " } }));
    if (isLeft(placed)) throw new Error(placed.left.message);
    expect(placed.right.order[0]!.data).toMatchObject({ shippingAddress: { ...SHIP_TO, country: "GB", phone: "+44 20 7946 0000" } });
    expect(placed.right.order[0]!.data).not.toHaveProperty("shippingAddress.line2");
  });

  it("refuses an empty cart", () => {
    expect(failure(input({ lines: [] })).kind).toBe("EmptyCart");
    const emptied = fold(cartDecider, [itemAdded(alice, sicp, 1), event("CartCheckedOut", { customerId: alice, orderId: "o0" })]);
    expect(failure(input({ cart: emptied })).kind).toBe("EmptyCart");
  });

  it("names every book that is no longer for sale", () => {
    const books = new Map([["sicp", { ...sicp, discontinued: true }]]);
    expect(failure(input({ books }))).toMatchObject({
      kind: "BooksUnavailable",
      books: [
        { bookId: "sicp", why: "discontinued" },
        { bookId: "kr", why: "unknown" },
      ],
    });
  });

  it("refuses a cart whose books are now priced in different currencies", () => {
    const books = new Map([["sicp", sicp], ["kr", { ...kr, currency: "USD" }]]);
    expect(failure(input({ books }))).toMatchObject({ kind: "CurrencyMismatch", expected: "EUR", actual: "USD" });
  });

  it("refuses an order id that already holds a different reservation", () => {
    expect(failure(input({ inventories: new Map([stock("sicp", 10, ["o1", 1]), stock("kr", 5)]) })).kind).toBe("ReservationConflict");
  });

  it("refuses an order over the limit when prices rose since the cart was filled, before reserving anything", () => {
    const books = new Map([["sicp", { ...sicp, priceCents: MAX_ORDER_TOTAL_CENTS / 2 }], ["kr", kr]]);
    expect(failure(input({ books }))).toEqual(
      expect.objectContaining({ kind: "TotalTooLarge", scope: "order", totalCents: MAX_ORDER_TOTAL_CENTS + kr.priceCents, maxCents: MAX_ORDER_TOTAL_CENTS }),
    );
    const dearer = new Map([["sicp", { ...sicp, priceCents: MAX_ORDER_TOTAL_CENTS }], ["kr", kr]]);
    expect(failure(input({ books: dearer }))).toMatchObject({ kind: "TotalTooLarge", scope: "line", bookId: "sicp", totalCents: 2 * MAX_ORDER_TOTAL_CENTS });
  });

  it("places an order that totals exactly the limit", () => {
    const books = new Map([["sicp", { ...sicp, priceCents: (MAX_ORDER_TOTAL_CENTS - kr.priceCents) / 2 }], ["kr", kr]]);
    const result = decideCheckout(input({ books }));
    const placed = isRight(result) ? result.right.order[0] : undefined;
    expect(placed?.type === "OrderPlaced" && placed.data.totalCents).toBe(MAX_ORDER_TOTAL_CENTS);
  });
});
