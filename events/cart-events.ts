import * as t from "io-ts";
import { schema } from "./upcast.js";
import { Cents, Currency, Quantity } from "./scalars.js";

/** One cart stream per customer. The unit price is the catalogue's at the moment of adding. */
export const CartItemAdded = schema(
  "CartItemAdded",
  t.type({
    customerId: t.string,
    bookId: t.string,
    title: t.string,
    quantity: Quantity,
    unitPriceCents: Cents,
    currency: Currency,
  }),
);
export const CartItemQuantityChanged = schema(
  "CartItemQuantityChanged",
  t.type({ customerId: t.string, bookId: t.string, quantity: Quantity }),
);
export const CartItemRemoved = schema("CartItemRemoved", t.type({ customerId: t.string, bookId: t.string }));
export const CartCleared = schema("CartCleared", t.type({ customerId: t.string }));
/** The cart became order `orderId`; the cart is empty again afterwards, ready for the next purchase. */
export const CartCheckedOut = schema("CartCheckedOut", t.type({ customerId: t.string, orderId: t.string }));
