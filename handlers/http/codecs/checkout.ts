import * as t from "io-ts";
import { Cents, CommandAccepted, Currency, Id } from "./common.js";
import { OrderStatus } from "./orders.js";
import { matching } from "./refine.js";
import { strict } from "./strict.js";

/** The body is optional: no body means the default payment method. */
export const CheckoutBody = t.union([
  t.undefined,
  strict("CheckoutBody", {}, { paymentToken: matching("PaymentToken", /^[A-Za-z0-9_-]{1,128}$/) }),
]);
/** `status` says what the payment led to (`paid`, `cancelled` on a decline, `placed` while pending); absent on a repeat. */
export const OrderPlacedResponse = t.intersection(
  [t.type({ orderId: Id, totalCents: Cents, currency: Currency }), CommandAccepted, t.partial({ status: OrderStatus })],
  "OrderPlacedResponse",
);

/** What a 409 from checkout carries: the lines that could not be reserved. */
export const ShortLine = t.type({ bookId: Id, requested: t.number, available: t.number }, "ShortLine");
