import * as t from "io-ts";
import { schema } from "./upcast.js";
import { Cents, Currency, NonEmptyString, Quantity } from "./scalars.js";

/** A line as it was bought: title and price are a snapshot, later catalogue changes do not touch it. */
export const OrderLine = t.type({
  bookId: t.string,
  title: t.string,
  quantity: Quantity,
  unitPriceCents: Cents,
  lineTotalCents: Cents,
});
export type OrderLine = t.TypeOf<typeof OrderLine>;

export const OrderPlaced = schema(
  "OrderPlaced",
  t.type({
    orderId: t.string,
    customerId: t.string,
    lines: t.array(OrderLine),
    itemCount: Quantity,
    totalCents: Cents,
    currency: Currency,
    placedAt: t.string,
  }),
);
export const OrderPaid = schema(
  "OrderPaid",
  t.type({ orderId: t.string, paymentId: t.string, amountCents: Cents, currency: Currency }),
);
export const OrderPaymentFailed = schema("OrderPaymentFailed", t.type({ orderId: t.string, reason: NonEmptyString }));
export const OrderShipped = schema("OrderShipped", t.type({ orderId: t.string }));
export const OrderDelivered = schema("OrderDelivered", t.type({ orderId: t.string }));

export const CancelledBy = t.keyof({ customer: null, admin: null, system: null });
export type CancelledBy = t.TypeOf<typeof CancelledBy>;
/** Always means: the order is dead and its stock is released (or returned, if it had been paid). */
export const OrderCancelled = schema(
  "OrderCancelled",
  t.type({ orderId: t.string, reason: NonEmptyString, by: CancelledBy }),
);
