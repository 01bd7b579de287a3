import { describe, expect, it } from "vitest";
import { event } from "../../events/index.js";
import { cartDecider, MAX_CART_TOTAL_CENTS, MAX_LINE_TOTAL_CENTS, MAX_LINES } from "../../domain/cart.js";
import { fold } from "../../domain/decider.js";
import { given } from "../../domain/testing.js";
import { catalogueOf, itemAdded, kr, odyssey, sicp } from "./fixtures.js";

const alice = "alice";
const add = (bookId: string, quantity: number) => ({ type: "AddCartItem" as const, customerId: alice, bookId, quantity });
const change = (bookId: string, quantity: number) => ({ type: "ChangeCartItemQuantity" as const, customerId: alice, bookId, quantity });
const remove = (bookId: string) => ({ type: "RemoveCartItem" as const, customerId: alice, bookId });
const catalogue = catalogueOf(sicp, kr, odyssey);

describe("Cart", () => {
  describe("adding", () => {
    it("adds a line at the catalogue's price and title", () => {
      given(cartDecider).when(add("sicp", 2), catalogue).then(itemAdded(alice, sicp, 2));
    });

    it("takes the price the catalogue has now, whatever the book cost before", () => {
      given(cartDecider).when(add("sicp", 1), catalogueOf({ ...sicp, priceCents: 1 })).then(itemAdded(alice, { ...sicp, priceCents: 1 }, 1));
    });

    it("adds to the line of a book already in the cart", () => {
      given(cartDecider, itemAdded(alice, sicp, 2))
        .when(add("sicp", 3), catalogue)
        .then(event("CartItemQuantityChanged", { customerId: alice, bookId: "sicp", quantity: 5 }));
    });

    it.each([0, 100, 1.5, -1])("refuses a quantity of %d (1 to 99)", (quantity) => {
      given(cartDecider).when(add("sicp", quantity), catalogue).thenFails({ kind: "InvalidQuantity", quantity, min: 1, max: 99 });
    });

    it("refuses to take a line above 99 copies", () => {
      given(cartDecider, itemAdded(alice, sicp, 98)).when(add("sicp", 2), catalogue).thenFails({ kind: "InvalidQuantity", quantity: 100 });
    });

    it("refuses an unknown book and a discontinued one", () => {
      given(cartDecider).when(add("nope", 1), catalogue).thenFails({ kind: "BookNotFound", bookId: "nope" });
      given(cartDecider).when(add("sicp", 1), catalogueOf({ ...sicp, discontinued: true })).thenFails("BookDiscontinued");
      given(cartDecider, itemAdded(alice, sicp, 1)).when(add("sicp", 1), catalogueOf({ ...sicp, discontinued: true })).thenFails("BookDiscontinued");
    });

    it(`holds at most ${MAX_LINES} different books`, () => {
      const books = Array.from({ length: MAX_LINES + 1 }, (_, i) => ({ ...sicp, bookId: `b${i}` }));
      const full = books.slice(0, MAX_LINES).map((b) => itemAdded(alice, b, 1));
      given(cartDecider, ...full).when(add(`b${MAX_LINES}`, 1), catalogueOf(...books)).thenFails({ kind: "CartFull", maxLines: MAX_LINES });
      // a book already in a full cart can still get more copies
      given(cartDecider, ...full).when(add("b0", 1), catalogueOf(...books)).then(event("CartItemQuantityChanged", { customerId: alice, bookId: "b0", quantity: 2 }));
      given(cartDecider, ...full.slice(1)).when(add("b0", 1), catalogueOf(...books)).then(itemAdded(alice, books[0]!, 1));
    });

    it("keeps one currency per cart", () => {
      given(cartDecider, itemAdded(alice, sicp, 1))
        .when(add("kr", 1), catalogueOf({ ...kr, currency: "USD" }))
        .thenFails({ kind: "CurrencyMismatch", expected: "EUR", actual: "USD" });
    });
  });

  describe("totals", () => {
    // The highest price a book may have is one line's whole limit.
    const dearest = { ...sicp, bookId: "dearest", priceCents: MAX_LINE_TOTAL_CENTS };
    const half = { ...kr, priceCents: MAX_CART_TOTAL_CENTS / 2 };

    it("takes a line that totals exactly the limit", () => {
      given(cartDecider).when(add("dearest", 1), catalogueOf(dearest)).then(itemAdded(alice, dearest, 1));
    });

    it("refuses a line over the limit, added at once, added to, or changed to", () => {
      const over = { kind: "TotalTooLarge", scope: "line", bookId: "dearest", totalCents: 2 * MAX_LINE_TOTAL_CENTS, maxCents: MAX_LINE_TOTAL_CENTS } as const;
      given(cartDecider).when(add("dearest", 2), catalogueOf(dearest)).thenFails(over);
      given(cartDecider, itemAdded(alice, dearest, 1)).when(add("dearest", 1), catalogueOf(dearest)).thenFails(over);
      given(cartDecider, itemAdded(alice, dearest, 1)).when(change("dearest", 2), catalogueOf(dearest)).thenFails(over);
      given(cartDecider).when(add("dearest", 99), catalogueOf(dearest)).thenFails({ kind: "TotalTooLarge", totalCents: 9_900_000_000 });
    });

    it("refuses a line that would take the cart over the limit, and takes the one that reaches it", () => {
      const books = catalogueOf(half, { ...odyssey, priceCents: 1 });
      given(cartDecider, itemAdded(alice, half, 2))
        .when(add("odyssey", 1), books)
        .thenFails({ kind: "TotalTooLarge", scope: "cart", totalCents: MAX_CART_TOTAL_CENTS + 1, maxCents: MAX_CART_TOTAL_CENTS });
      given(cartDecider, itemAdded(alice, half, 1)).when(add("kr", 1), books).then(event("CartItemQuantityChanged", { customerId: alice, bookId: "kr", quantity: 2 }));
    });

    it("lets a cart over the limit, filled before there was one, shrink", () => {
      given(cartDecider, itemAdded(alice, dearest, 3))
        .when(change("dearest", 2), catalogueOf(dearest))
        .then(event("CartItemQuantityChanged", { customerId: alice, bookId: "dearest", quantity: 2 }));
    });
  });

  describe("changing a quantity", () => {
    it("sets the line's quantity", () => {
      given(cartDecider, itemAdded(alice, sicp, 2)).when(change("sicp", 7), catalogue).then(event("CartItemQuantityChanged", { customerId: alice, bookId: "sicp", quantity: 7 }));
    });

    it("the same quantity changes nothing", () => {
      given(cartDecider, itemAdded(alice, sicp, 2), event("CartItemQuantityChanged", { customerId: alice, bookId: "sicp", quantity: 4 }))
        .when(change("sicp", 4), catalogue)
        .then();
    });

    it("keeps 1 to 99 and needs the line", () => {
      given(cartDecider, itemAdded(alice, sicp, 2)).when(change("sicp", 0), catalogue).thenFails("InvalidQuantity");
      given(cartDecider, itemAdded(alice, sicp, 2)).when(change("kr", 1), catalogue).thenFails({ kind: "CartItemNotFound", bookId: "kr" });
    });
  });

  describe("removing and clearing", () => {
    it("removes a line", () => {
      given(cartDecider, itemAdded(alice, sicp, 2), itemAdded(alice, kr, 1)).when(remove("sicp"), catalogue).then(event("CartItemRemoved", { customerId: alice, bookId: "sicp" }));
    });

    it("cannot remove a book that is not in the cart, also after it was removed", () => {
      given(cartDecider, itemAdded(alice, sicp, 2), event("CartItemRemoved", { customerId: alice, bookId: "sicp" })).when(remove("sicp"), catalogue).thenFails("CartItemNotFound");
    });

    it("clears a cart; an empty cart stays as it is", () => {
      given(cartDecider, itemAdded(alice, sicp, 2)).when({ type: "ClearCart", customerId: alice }, catalogue).then(event("CartCleared", { customerId: alice }));
      given(cartDecider, itemAdded(alice, sicp, 2), event("CartCleared", { customerId: alice })).when({ type: "ClearCart", customerId: alice }, catalogue).then();
    });
  });

  it("a checked-out cart is empty and takes the next purchase", () => {
    const checkedOut = event("CartCheckedOut", { customerId: alice, orderId: "o1" });
    given(cartDecider, itemAdded(alice, sicp, 2), checkedOut).when(change("sicp", 3), catalogue).thenFails("CartItemNotFound");
    given(cartDecider, itemAdded(alice, sicp, 2), checkedOut).when(add("sicp", 1), catalogue).then(itemAdded(alice, sicp, 1));
    expect(fold(cartDecider, [itemAdded(alice, sicp, 2), checkedOut])).toEqual({ lines: [], lastOrderId: "o1" });
  });

  it("folds lines in the order they were added", () => {
    const state = fold(cartDecider, [
      itemAdded(alice, sicp, 2),
      itemAdded(alice, kr, 1),
      itemAdded(alice, odyssey, 1),
      event("CartItemQuantityChanged", { customerId: alice, bookId: "kr", quantity: 3 }),
      event("CartItemRemoved", { customerId: alice, bookId: "sicp" }),
    ]);
    expect(state.lines.map((l) => [l.bookId, l.quantity, l.unitPriceCents])).toEqual([
      ["kr", 3, 3999],
      ["odyssey", 1, 1299],
    ]);
  });
});
