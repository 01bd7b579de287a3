import * as t from "io-ts";
import { Cents, Currency, Id } from "./common.js";
import { intBetween } from "./refine.js";
import { strict } from "./strict.js";

/** The cart's own rule (1-99) is repeated on the wire so a client learns it from the schema. */
const Quantity = intBetween("Quantity", 1, 99);

/** No price field: the price comes from the catalogue, never from the client. */
export const AddCartItemBody = strict("AddCartItemBody", { bookId: Id, quantity: Quantity });
export const ChangeCartItemBody = strict("ChangeCartItemBody", { quantity: Quantity });

export const CartLine = t.type(
  { bookId: Id, title: t.string, quantity: Quantity, unitPriceCents: Cents, lineTotalCents: Cents, currency: Currency },
  "CartLine",
);
export const CartView = t.type(
  { lines: t.array(CartLine), totals: t.array(t.type({ currency: Currency, totalCents: Cents })), version: intBetween("CartVersion", 0, Number.MAX_SAFE_INTEGER) },
  "CartView",
);
