import * as t from "io-ts";
import { CommandAccepted, Id } from "./common.js";
import { matching } from "./refine.js";
import { strict } from "./strict.js";

/** The body is optional: no body means the default payment method. */
export const CheckoutBody = t.union([
  t.undefined,
  strict("CheckoutBody", {}, { paymentToken: matching("PaymentToken", /^[A-Za-z0-9_-]{1,128}$/) }),
]);
export const OrderPlacedResponse = t.intersection([t.type({ orderId: Id }), CommandAccepted], "OrderPlacedResponse");

/** What a 409 from checkout carries: the lines that could not be reserved. */
export const ShortLine = t.type({ bookId: Id, requested: t.number, available: t.number }, "ShortLine");
