import { bookSlice } from "../../domain/book.js";
import { cartSlice } from "../../domain/cart.js";
import { customerSlice } from "../../domain/customer.js";
import { orderFulfilmentSlice } from "../../domain/order.js";
import { ratingSlice } from "../../domain/rating.js";
import { checkoutSlice } from "./checkout.js";
import { cancellationSlice } from "./order-transitions.js";
import { payOrderSlice, reviewUnpaidOrderSlice, settleOrderSlice } from "./payments.js";
import { type AnyCommandSlice, anySlice, type CommandOf, type CommandSlice, fromDecision } from "./slice.js";
import { stockSlice } from "./stock.js";

/**
 * Every command a client or operator can send, by the slice that handles it: a new aggregate is
 * one line here. Reserving, committing and releasing stock are not commands: they happen only
 * inside checkout, payment and cancellation.
 */
export const slices = [
  fromDecision(bookSlice),
  stockSlice,
  fromDecision(cartSlice),
  fromDecision(ratingSlice),
  fromDecision(customerSlice),
  checkoutSlice,
  payOrderSlice,
  cancellationSlice,
  fromDecision(orderFulfilmentSlice),
  settleOrderSlice,
  reviewUnpaidOrderSlice,
] as const;

export type Command = CommandOf<(typeof slices)[number]>;

/** The slice of each command type; a type claimed twice is a bug found when the module loads. */
export const sliceByType = (extra: readonly AnyCommandSlice[] = []): ReadonlyMap<string, AnyCommandSlice> => {
  const byType = new Map<string, AnyCommandSlice>();
  for (const slice of [...slices.map((s: (typeof slices)[number]) => anySlice(s as CommandSlice<Command>)), ...extra]) {
    for (const type of slice.types) {
      if (byType.has(type)) throw new Error(`command ${type} has two slices`);
      byType.set(type, slice);
    }
  }
  return byType;
};
