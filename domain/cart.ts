import * as t from "io-ts";
import { left, right, type Either } from "fp-ts/lib/Either.js";
import { absurd } from "fp-ts/lib/function.js";
import { event, Id, Int, type EventOf, streams } from "../events/index.js";
import type { CatalogueContext } from "./book.js";
import type { Decider } from "./decider.js";
import { errors, type DomainError } from "./errors.js";
import { strict } from "./strict.js";
import { defineAggregate } from "./aggregate.js";
import { decisionSlice } from "./slice.js";

export const MAX_LINE_QUANTITY = 99;
export const MAX_LINES = 50;
/**
 * The most one payment may charge, in minor units of the currency (1,000,000.00), which is also
 * the highest price a book may have. A line is never more than its cart and a cart becomes one
 * order, so the line, cart and order limits are this one number: the cart refuses, while the
 * customer is still choosing, what checkout would refuse later.
 */
export const MAX_TOTAL_CENTS = 100_000_000;
export const MAX_LINE_TOTAL_CENTS = MAX_TOTAL_CENTS;
export const MAX_CART_TOTAL_CENTS = MAX_TOTAL_CENTS;

// No price field anywhere: the price is the catalogue's, and `strict` refuses one sent anyway.
export const AddCartItem = strict({ type: t.literal("AddCartItem"), customerId: Id, bookId: Id, quantity: Int });
export const ChangeCartItemQuantity = strict({ type: t.literal("ChangeCartItemQuantity"), customerId: Id, bookId: Id, quantity: Int });
export const RemoveCartItem = strict({ type: t.literal("RemoveCartItem"), customerId: Id, bookId: Id });
export const ClearCart = strict({ type: t.literal("ClearCart"), customerId: Id });
export const CartCommand = t.union([AddCartItem, ChangeCartItemQuantity, RemoveCartItem, ClearCart]);
export type CartCommand = t.TypeOf<typeof CartCommand>;

export type CartEvent = EventOf<"CartItemAdded" | "CartItemQuantityChanged" | "CartItemRemoved" | "CartCleared" | "CartCheckedOut">;

export interface CartLine {
  readonly bookId: string;
  readonly title: string;
  readonly quantity: number;
  readonly unitPriceCents: number;
  readonly currency: string;
}
/**
 * One cart per customer, for life: a checkout empties it and the next purchase starts in the
 * same stream. `lastOrderId` is the order the cart last became.
 */
export interface CartState {
  readonly lines: readonly CartLine[];
  readonly lastOrderId: string | null;
}

const initialState: CartState = { lines: [], lastOrderId: null };

const evolve = (s: CartState, e: CartEvent): CartState => {
  switch (e.type) {
    case "CartItemAdded": {
      const { customerId: _c, ...line } = e.data;
      return { ...s, lines: [...s.lines, line] };
    }
    case "CartItemQuantityChanged":
      return { ...s, lines: s.lines.map((l) => (l.bookId === e.data.bookId ? { ...l, quantity: e.data.quantity } : l)) };
    case "CartItemRemoved":
      return { ...s, lines: s.lines.filter((l) => l.bookId !== e.data.bookId) };
    case "CartCleared":
      return { ...s, lines: [] };
    case "CartCheckedOut":
      return { lines: [], lastOrderId: e.data.orderId };
    default:
      return absurd(e);
  }
};

const checkQuantity = (quantity: number): DomainError | undefined =>
  Number.isInteger(quantity) && quantity >= 1 && quantity <= MAX_LINE_QUANTITY
    ? undefined
    : errors.invalidQuantity(quantity, 1, MAX_LINE_QUANTITY);

/**
 * The line of `bookId` at `quantity` copies of `unitPriceCents`, and the cart with it, must stay
 * within the limits. Only a growing line is checked: a cart over a limit (filled before there was
 * one) may still shrink.
 */
const checkTotals = (s: CartState, bookId: string, quantity: number, unitPriceCents: number): DomainError | undefined => {
  const lineTotal = quantity * unitPriceCents;
  if (lineTotal > MAX_LINE_TOTAL_CENTS) return errors.totalTooLarge("line", lineTotal, MAX_LINE_TOTAL_CENTS, bookId);
  const cartTotal = s.lines.reduce((n, l) => (l.bookId === bookId ? n : n + l.quantity * l.unitPriceCents), lineTotal);
  return cartTotal > MAX_CART_TOTAL_CENTS ? errors.totalTooLarge("cart", cartTotal, MAX_CART_TOTAL_CENTS) : undefined;
};

const lineOf = (s: CartState, bookId: string): CartLine | undefined => s.lines.find((l) => l.bookId === bookId);

const addItem = (cmd: t.TypeOf<typeof AddCartItem>, s: CartState, { books }: CatalogueContext): Either<DomainError, CartEvent[]> => {
  const book = books.get(cmd.bookId);
  if (book === undefined) return left(errors.bookNotFound(cmd.bookId));
  if (book.discontinued) return left(errors.bookDiscontinued(cmd.bookId));
  const existing = lineOf(s, cmd.bookId);
  const invalid = checkQuantity(cmd.quantity) ?? (existing && checkQuantity(existing.quantity + cmd.quantity));
  if (invalid) return left(invalid);
  const { customerId, bookId } = cmd;
  // Adding a book already in the cart adds to its line, at the price it was first added for.
  if (existing) {
    const quantity = existing.quantity + cmd.quantity;
    const over = checkTotals(s, bookId, quantity, existing.unitPriceCents);
    return over ? left(over) : right([event("CartItemQuantityChanged", { customerId, bookId, quantity })]);
  }
  if (s.lines.length >= MAX_LINES) return left(errors.cartFull(MAX_LINES));
  const cartCurrency = s.lines[0]?.currency;
  if (cartCurrency !== undefined && cartCurrency !== book.currency) return left(errors.currencyMismatch(cartCurrency, book.currency));
  const over = checkTotals(s, bookId, cmd.quantity, book.priceCents);
  if (over) return left(over);
  return right([
    event("CartItemAdded", {
      customerId,
      bookId,
      title: book.title,
      quantity: cmd.quantity,
      unitPriceCents: book.priceCents,
      currency: book.currency,
    }),
  ]);
};

const changeQuantity = (cmd: t.TypeOf<typeof ChangeCartItemQuantity>, s: CartState): Either<DomainError, CartEvent[]> => {
  const line = lineOf(s, cmd.bookId);
  if (line === undefined) return left(errors.cartItemNotFound(cmd.bookId));
  const invalid = checkQuantity(cmd.quantity);
  if (invalid) return left(invalid);
  if (line.quantity === cmd.quantity) return right([]);
  const over = cmd.quantity > line.quantity ? checkTotals(s, cmd.bookId, cmd.quantity, line.unitPriceCents) : undefined;
  if (over) return left(over);
  return right([event("CartItemQuantityChanged", { customerId: cmd.customerId, bookId: cmd.bookId, quantity: cmd.quantity })]);
};

const decide = (cmd: CartCommand, s: CartState, context: CatalogueContext): Either<DomainError, CartEvent[]> => {
  switch (cmd.type) {
    case "AddCartItem":
      return addItem(cmd, s, context);
    case "ChangeCartItemQuantity":
      return changeQuantity(cmd, s);
    case "RemoveCartItem":
      return lineOf(s, cmd.bookId) === undefined
        ? left(errors.cartItemNotFound(cmd.bookId))
        : right([event("CartItemRemoved", { customerId: cmd.customerId, bookId: cmd.bookId })]);
    case "ClearCart":
      return right(s.lines.length === 0 ? [] : [event("CartCleared", { customerId: cmd.customerId })]);
    default:
      return absurd(cmd);
  }
};

export const cartDecider: Decider<CartCommand, CartState, CartEvent, DomainError, CatalogueContext> = {
  initialState,
  evolve,
  decide,
};

const CartSnapshot: t.Type<CartState, unknown, unknown> = t.readonly(
  t.type({
    lines: t.readonlyArray(
      t.readonly(t.type({ bookId: t.string, title: t.string, quantity: t.number, unitPriceCents: t.number, currency: t.string })),
    ),
    lastOrderId: t.union([t.string, t.null]),
  }),
);

export const cartAggregate = defineAggregate<CartState>("cart", streams.cart, cartDecider, { schema: "cart/1", codec: CartSnapshot });

/** A customer's cart: each command writes the customer's cart stream; adding a line reads its book. */
export const cartSlice = decisionSlice({
  codec: CartCommand,
  types: ["AddCartItem", "ChangeCartItemQuantity", "RemoveCartItem", "ClearCart"],
  target: (c) => ({ aggregate: cartAggregate, id: c.customerId }),
  needs: (c) => ({ books: c.type === "AddCartItem" ? [c.bookId] : [] }),
  decide: (c, s, context) => cartDecider.decide(c, s, context),
});
