import * as t from "io-ts";
import { schema } from "./upcast.js";
import { Cents, Currency, NonEmptyString, Quantity } from "./scalars.js";

/**
 * One payment stream per order. The request is recorded before the gateway is called, so a
 * crash between the charge and its outcome leaves a trace, and the retry reuses `idempotencyKey`.
 */
export const PaymentRequested = schema(
  "PaymentRequested",
  t.type({ orderId: t.string, amountCents: Cents, currency: Currency, idempotencyKey: NonEmptyString }),
);
export const PaymentCaptured = schema(
  "PaymentCaptured",
  t.type({ orderId: t.string, chargeId: NonEmptyString, amountCents: Cents, currency: Currency }),
);
export const PaymentDeclined = schema("PaymentDeclined", t.type({ orderId: t.string, reason: NonEmptyString }));
/** The gateway could not answer (timeout, outage); the payment is still open and may be retried. */
export const PaymentAttemptFailed = schema(
  "PaymentAttemptFailed",
  t.type({ orderId: t.string, reason: NonEmptyString, attempt: Quantity }),
);
/**
 * The captured amount was paid back: the order it paid for was cancelled, by the customer or
 * because it was not paid in time and the capture came after that.
 */
export const PaymentRefunded = schema(
  "PaymentRefunded",
  t.type({ orderId: t.string, refundId: NonEmptyString, amountCents: Cents, currency: Currency, reason: NonEmptyString }),
);
