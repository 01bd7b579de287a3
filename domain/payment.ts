import * as t from "io-ts";
import { left, right, type Either } from "fp-ts/lib/Either.js";
import { absurd } from "fp-ts/lib/function.js";
import { event, Id, Int, type EventOf, streams } from "../events/index.js";
import type { Decider } from "./decider.js";
import { errors, type DomainError } from "./errors.js";
import type { ChargeOutcome } from "./payment-gateway.js";
import { strict } from "./strict.js";
import { defineAggregate } from "./aggregate.js";

export const RequestPayment = strict({
  type: t.literal("RequestPayment"),
  orderId: Id,
  amountCents: Int,
  currency: t.string,
  idempotencyKey: t.string,
});
const ChargeOutcomeCodec: t.Type<ChargeOutcome, unknown, unknown> = t.union([
  strict({ status: t.literal("captured"), chargeId: t.string }),
  strict({ status: t.literal("declined"), reason: t.string }),
  strict({ status: t.literal("failed"), reason: t.string }),
]);
/** What the gateway answered, recorded as it was. */
export const RecordChargeOutcome = strict({ type: t.literal("RecordChargeOutcome"), orderId: Id, outcome: ChargeOutcomeCodec });
/** A refund the processor confirmed, of the whole captured amount. */
export const RecordRefund = strict({ type: t.literal("RecordRefund"), orderId: Id, refundId: t.string, reason: t.string });
export const PaymentCommand = t.union([RequestPayment, RecordChargeOutcome, RecordRefund]);
export type PaymentCommand = t.TypeOf<typeof PaymentCommand>;

export type PaymentEvent = EventOf<"PaymentRequested" | "PaymentCaptured" | "PaymentDeclined" | "PaymentAttemptFailed" | "PaymentRefunded">;

export interface Payment {
  readonly orderId: string;
  readonly amountCents: number;
  readonly currency: string;
  readonly idempotencyKey: string;
  readonly status: "requested" | "captured" | "declined" | "refunded";
  readonly failedAttempts: number;
  readonly chargeId: string | null;
  readonly refundId: string | null;
}
/** One payment per order; `null` until it is requested. */
export type PaymentState = Payment | null;

const evolve = (s: PaymentState, e: PaymentEvent): PaymentState => {
  if (e.type === "PaymentRequested") return { ...e.data, status: "requested", failedAttempts: 0, chargeId: null, refundId: null };
  if (s === null) return s;
  switch (e.type) {
    case "PaymentCaptured":
      return { ...s, status: "captured", chargeId: e.data.chargeId };
    case "PaymentDeclined":
      return { ...s, status: "declined" };
    case "PaymentAttemptFailed":
      return { ...s, failedAttempts: e.data.attempt };
    case "PaymentRefunded":
      return { ...s, status: "refunded", refundId: e.data.refundId };
    default:
      return absurd(e);
  }
};

const request = (cmd: t.TypeOf<typeof RequestPayment>, s: PaymentState): Either<DomainError, PaymentEvent[]> => {
  if (s === null) {
    const { orderId, amountCents, currency, idempotencyKey } = cmd;
    return right([event("PaymentRequested", { orderId, amountCents, currency, idempotencyKey })]);
  }
  if (s.status !== "requested") return left(errors.paymentSettled(s.orderId, s.status));
  if (s.amountCents !== cmd.amountCents || s.currency !== cmd.currency) return left(errors.paymentAmountMismatch(s.amountCents, cmd.amountCents));
  return right([]);
};

const record = (outcome: ChargeOutcome, p: Payment): Either<DomainError, PaymentEvent[]> => {
  const { orderId } = p;
  // The same answer recorded twice (a retried command) changes nothing.
  if (outcome.status === "captured" && p.status === "captured" && p.chargeId === outcome.chargeId) return right([]);
  if (outcome.status === "declined" && p.status === "declined") return right([]);
  if (outcome.status === "captured" && p.status === "refunded" && p.chargeId === outcome.chargeId) return right([]);
  if (p.status !== "requested") return left(errors.paymentSettled(orderId, p.status));
  switch (outcome.status) {
    case "captured":
      return right([event("PaymentCaptured", { orderId, chargeId: outcome.chargeId, amountCents: p.amountCents, currency: p.currency })]);
    case "declined":
      return right([event("PaymentDeclined", { orderId, reason: outcome.reason || "declined" })]);
    case "failed":
      return right([event("PaymentAttemptFailed", { orderId, reason: outcome.reason || "failed", attempt: p.failedAttempts + 1 })]);
    default:
      return absurd(outcome);
  }
};

const decide = (cmd: PaymentCommand, s: PaymentState): Either<DomainError, PaymentEvent[]> => {
  switch (cmd.type) {
    case "RequestPayment":
      return request(cmd, s);
    case "RecordChargeOutcome":
      return s === null ? left(errors.paymentNotRequested(cmd.orderId)) : record(cmd.outcome, s);
    case "RecordRefund":
      if (s === null) return left(errors.paymentNotRequested(cmd.orderId));
      if (s.status === "refunded" && s.refundId === cmd.refundId) return right([]);
      if (s.status !== "captured") return left(errors.paymentSettled(s.orderId, s.status));
      return right([
        event("PaymentRefunded", {
          orderId: s.orderId,
          refundId: cmd.refundId,
          amountCents: s.amountCents,
          currency: s.currency,
          reason: cmd.reason.trim() || "refunded",
        }),
      ]);
    default:
      return absurd(cmd);
  }
};

export const paymentDecider: Decider<PaymentCommand, PaymentState, PaymentEvent, DomainError> = {
  initialState: null,
  evolve,
  decide,
};

export const paymentAggregate = defineAggregate<PaymentState>("payment", streams.payment, paymentDecider);
