import * as t from "io-ts";
import { BookCommand } from "../../domain/book.js";
import { CartCommand } from "../../domain/cart.js";
import { AdjustStock, ReceiveStock } from "../../domain/inventory.js";
import { CancelOrder, DeliverOrder, ShipOrder } from "../../domain/order.js";
import { RateBook } from "../../domain/rating.js";
import { strict } from "../../domain/strict.js";
import { Id, Int } from "../../events/index.js";

/** Places an order from the customer's cart; with a card token, charges it too. */
export const Checkout = strict(
  { type: t.literal("Checkout"), customerId: Id, orderId: Id },
  { paymentToken: t.string },
);
export type Checkout = t.TypeOf<typeof Checkout>;

/** Pays a placed, unpaid order of the customer's own (a checkout without a token, or one whose charge did not go through). */
export const PayOrder = strict({ type: t.literal("PayOrder"), orderId: Id, customerId: Id, paymentToken: t.string });
export type PayOrder = t.TypeOf<typeof PayOrder>;

/**
 * Internal, run after every change of an order (by the request that made it, then by the order
 * process from the stream): commits, releases or returns its stock as its state says, and pays
 * back a capture for a cancelled order. Safe to run any number of times.
 */
export const SettleOrder = strict({ type: t.literal("SettleOrder"), orderId: Id });
export type SettleOrder = t.TypeOf<typeof SettleOrder>;

/**
 * Internal, from the sweep of unpaid orders: a payment still `requested` after
 * `reconcileAfterSeconds` is settled by asking the processor what became of it (under the same
 * idempotency key, which never charges twice); an order still unpaid after `holdSeconds` is
 * cancelled, which gives its stock back.
 */
export const ReviewUnpaidOrder = strict({ type: t.literal("ReviewUnpaidOrder"), orderId: Id, holdSeconds: Int, reconcileAfterSeconds: Int });
export type ReviewUnpaidOrder = t.TypeOf<typeof ReviewUnpaidOrder>;

/**
 * Every command a client or operator can send. Reserving, committing and releasing stock are
 * not here: they happen only inside checkout, payment and cancellation.
 */
export const Command = t.union([
  BookCommand,
  ReceiveStock,
  AdjustStock,
  CartCommand,
  RateBook,
  Checkout,
  PayOrder,
  CancelOrder,
  ShipOrder,
  DeliverOrder,
  SettleOrder,
  ReviewUnpaidOrder,
]);
export type Command = t.TypeOf<typeof Command>;
