import * as t from "io-ts";
import { CommandAccepted, Currency, Id, TotalCents } from "./common.js";
import { intBetween } from "./refine.js";
import { OrderStatus } from "./orders.js";
import { matching } from "./refine.js";
import { strict } from "./strict.js";
import { AddressBody } from "./addresses.js";

/** No body, or no `paymentToken`, places the order unpaid (to pay within the hold); every order needs a `shippingAddress`. */
export const CheckoutBody = t.union([
  t.undefined,
  strict("CheckoutBody", {}, { paymentToken: matching("PaymentToken", /^[A-Za-z0-9_-]{1,128}$/, 128), shippingAddress: AddressBody }),
]);
/** `status` says what the payment led to (`paid`, `cancelled` on a decline, `placed` while pending); absent on a repeat. */
export const OrderPlacedResponse = t.intersection(
  [t.type({ orderId: Id, totalCents: TotalCents, currency: Currency }), CommandAccepted, t.partial({ status: OrderStatus })],
  "OrderPlacedResponse",
);

/** What a 409 from checkout carries: the lines that could not be reserved. */
export const ShortLine = t.type(
  { bookId: Id, requested: intBetween("Requested", 1, 99), available: intBetween("AvailableStock", 0, Number.MAX_SAFE_INTEGER) },
  "ShortLine",
);
