import { bookAggregate } from "../../domain/book.js";
import { cartAggregate } from "../../domain/cart.js";
import { customerAggregate } from "../../domain/customer.js";
import { inventoryAggregate } from "../../domain/inventory.js";
import { orderAggregate } from "../../domain/order.js";
import { paymentAggregate } from "../../domain/payment.js";
import { reservationAggregate } from "../../domain/reservation.js";

export type { Aggregate } from "../../domain/aggregate.js";
export { ratingAggregate } from "../../domain/rating.js";

/** The aggregates that decisions spanning streams load by name; each is declared next to its decider. */
export const aggregates = {
  book: bookAggregate,
  inventory: inventoryAggregate,
  cart: cartAggregate,
  order: orderAggregate,
  payment: paymentAggregate,
  reservation: reservationAggregate,
  customer: customerAggregate,
};
