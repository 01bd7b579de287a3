import { left, right, type Either } from "fp-ts/lib/Either.js";
import { absurd } from "fp-ts/lib/function.js";
import { errors, type DomainError } from "./errors.js";
import { orderDecider, type Actor, type OrderEvent, type OrderState } from "./order.js";
import type { ChargeOutcome } from "./payment-gateway.js";
import type { PaymentState } from "./payment.js";

/**
 * What a charge's outcome does to the order: a capture pays a placed order, a decline cancels
 * it, a transient failure changes nothing. The order alone: its stock follows from the order's
 * new state (`settleReservation`), written by whoever settles it next, so recording a payment
 * never waits on a book's stock. An order no longer placed (cancelled because it was not paid
 * in time, say) is left as it is; a capture for it is recorded on the payment and refunded.
 */
export const decidePaymentResult = (order: OrderState, orderId: string, outcome: ChargeOutcome): Either<DomainError, OrderEvent[]> => {
  if (order === null) return left(errors.orderNotFound(orderId));
  if (order.status !== "placed") return right([]);
  switch (outcome.status) {
    case "captured":
      return orderDecider.decide(
        { type: "RecordOrderPayment", orderId, paymentId: outcome.chargeId, amountCents: order.totalCents, currency: order.currency },
        order,
      );
    case "declined":
      return orderDecider.decide({ type: "RecordOrderPaymentFailure", orderId, reason: outcome.reason }, order);
    case "failed":
      return right([]);
    default:
      return absurd(outcome);
  }
};

/** Cancelling is the order's alone; what it held is given back by settling its reservation. */
export const decideCancellation = (order: OrderState, orderId: string, actor: Actor, reason?: string): Either<DomainError, OrderEvent[]> =>
  order === null
    ? left(errors.orderNotFound(orderId))
    : orderDecider.decide({ type: "CancelOrder", orderId, actor, ...(reason === undefined ? {} : { reason }) }, order);

/** A captured payment is paid back when its order was cancelled: by the customer, or for want of payment in time. */
export const refundDue = (order: OrderState, payment: PaymentState): boolean => order?.status === "cancelled" && payment?.status === "captured";
