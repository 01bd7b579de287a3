import * as t from "io-ts";
import { MAX_LINES } from "../../../domain/cart.js";
import { Title } from "./books.js";
import { Cents, Currency, Id, TotalCents } from "./common.js";
import { intBetween, upTo } from "./refine.js";
import { strict } from "./strict.js";

/** The cart's own rule (1-99) is repeated on the wire so a client learns it from the schema. */
const Quantity = intBetween("Quantity", 1, 99);

/** No price field: the price comes from the catalogue, never from the client. */
export const AddCartItemBody = strict("AddCartItemBody", { bookId: Id, quantity: Quantity });
export const ChangeCartItemBody = strict("ChangeCartItemBody", { quantity: Quantity });

export const CartLine = t.type(
  { bookId: Id, title: Title, quantity: Quantity, unitPriceCents: Cents, lineTotalCents: TotalCents, currency: Currency },
  "CartLine",
);
export const CartView = t.type(
  {
    lines: upTo(CartLine, MAX_LINES, "CartLines"),
    totals: upTo(t.type({ currency: Currency, totalCents: TotalCents }), MAX_LINES, "CartTotals"),
    version: intBetween("CartVersion", 0, Number.MAX_SAFE_INTEGER) },
  "CartView",
);
