import * as t from "io-ts";
import { BookCommand } from "../../domain/book.js";
import { CartCommand } from "../../domain/cart.js";
import { AdjustStock, ReceiveStock } from "../../domain/inventory.js";
import { CancelOrder, DeliverOrder, ShipOrder } from "../../domain/order.js";
import { RateBook } from "../../domain/rating.js";
import { strict } from "../../domain/strict.js";
import { Id } from "../../events/index.js";

/** Places an order from the customer's cart; with a card token, charges it too. */
export const Checkout = strict(
  { type: t.literal("Checkout"), customerId: Id, orderId: Id },
  { paymentToken: t.string },
);
export type Checkout = t.TypeOf<typeof Checkout>;

/**
 * Every command a client or operator can send. Reserving, committing and releasing stock are
 * not here: they happen only inside checkout, payment and cancellation.
 */
export const Command = t.union([BookCommand, ReceiveStock, AdjustStock, CartCommand, RateBook, Checkout, CancelOrder, ShipOrder, DeliverOrder]);
export type Command = t.TypeOf<typeof Command>;
