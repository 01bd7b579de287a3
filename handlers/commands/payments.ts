import { type Either, isLeft, left, right } from "fp-ts/lib/Either.js";
import * as t from "io-ts";
import { setTimeout as sleep } from "node:timers/promises";
import { errors } from "../../domain/errors.js";
import { holdEndsAt } from "../../domain/order.js";
import { refundDue } from "../../domain/order-process.js";
import type { ChargeOutcome } from "../../domain/payment-gateway.js";
import { paymentDecider } from "../../domain/payment.js";
import { strict } from "../../domain/strict.js";
import { Id, Int } from "../../events/index.js";
import { aggregates } from "./aggregates.js";
import type { CommandDeps, CommandMeta } from "./deps.js";
import type { CommandError } from "./errors.js";
import { load } from "./load.js";
import { pendingCharge, planChargeOutcome, planExpiry, planRefundRecord, planStockSettlement } from "./order-transitions.js";
import { change, type Runner } from "./run-command.js";
import type { CommandSlice, SliceAnswer } from "./slice.js";

/**
 * What happens to an order after checkout: charging it, recording the processor's answer,
 * then what follows from the order's state (its stock, a refund). Each step writes only the
 * streams it must, and the follow-up is safe to repeat, so that it can be run by the request
 * that moved the order and again by the order process reading the stream, until it is done.
 */
export interface OrderFlow {
  /** Charges a requested payment (up to `chargeAttempts` times) and records each answer; the order's status after. */
  settlePayment(orderId: string, token: string, meta: CommandMeta): Promise<Either<CommandError, string>>;
  /** Requests payment for a placed order that has none yet, then settles it. */
  pay(orderId: string, customerId: string, token: string, meta: CommandMeta): Promise<Either<CommandError, string>>;
  /** `settleOrder` for a request that moved the order: a fault is reported (`onDeferred`), never thrown; the order process finishes it. */
  settleSoon(orderId: string, meta: CommandMeta): Promise<string | undefined>;
  /** Stock and refund as the order's state says; the order's status. */
  settleOrder(orderId: string, meta: CommandMeta): Promise<Either<CommandError, string>>;
  /** Reconciles a payment left `requested`, ends an order unpaid past its hold, and settles it. */
  reviewUnpaid(orderId: string, holdSeconds: number, reconcileAfterSeconds: number, meta: CommandMeta): Promise<Either<CommandError, string>>;
  /**
   * The status a checkout answers, once its order is placed: with a token, the payment settled;
   * without one, or if settling fails, the order as it stands. Never an error: the order exists.
   */
  finishCheckout(orderId: string, token: string | undefined, meta: CommandMeta): Promise<string>;
  /** The order's status now, or `unknown`. */
  statusOf(orderId: string): Promise<string>;
}

/** A step that follows from another command: written under no idempotency record of its own, caused by that command. */
const followUp = (meta: CommandMeta): CommandMeta => {
  const { commandId, requestHash: _hash, ...rest } = meta;
  return { ...rest, ...(commandId === undefined ? {} : { causationId: commandId }), idempotentByState: true };
};

export const createOrderFlow = (deps: CommandDeps, runner: Runner): OrderFlow => {
  const statusOf = async (orderId: string): Promise<string> => {
    const order = await load(deps, aggregates.order, orderId);
    return isLeft(order) ? "unknown" : (order.right.state?.status ?? "unknown");
  };

  const record = (orderId: string, outcome: ChargeOutcome, meta: CommandMeta) => runner.run(followUp(meta), () => planChargeOutcome(deps, orderId, outcome));

  const settleOrder = async (orderId: string, meta: CommandMeta): Promise<Either<CommandError, string>> => {
    const stock = await runner.run(followUp(meta), () => planStockSettlement(deps, orderId));
    if (isLeft(stock)) return stock;
    // Only a cancelled order can owe a refund; the others are done here, with no more reads.
    if (stock.right.result.status !== "cancelled") return right(stock.right.result.status);
    const [order, payment] = await Promise.all([load(deps, aggregates.order, orderId), load(deps, aggregates.payment, orderId)]);
    if (isLeft(order)) return order;
    if (isLeft(payment)) return payment;
    const p = payment.right.state;
    if (p !== null && p.chargeId !== null && refundDue(order.right.state, p)) {
      // The refund's key is the order's: however often this runs, the processor pays back once.
      const refunded = await deps.payments.refund({ idempotencyKey: `refund-${orderId}`, chargeId: p.chargeId, amountCents: p.amountCents, currency: p.currency });
      // A fault of the processor, not an answer about the order: thrown, so whoever runs this runs it again.
      if (refunded.status === "failed") throw new Error(`the refund of order ${orderId} failed (${refunded.reason}); it is tried again`);
      const recorded = await runner.run(followUp(meta), () => planRefundRecord(deps, orderId, refunded.refundId, "order cancelled"));
      if (isLeft(recorded)) return recorded;
    }
    return right(order.right.state?.status ?? "unknown");
  };

  /**
   * The request's own follow-up: stock shows at once when it works; when it does not, the order
   * process does it from the stream, so a fault here is reported and never fails the request.
   */
  const settleSoon = async (orderId: string, meta: CommandMeta): Promise<string | undefined> => {
    try {
      const settled = await settleOrder(orderId, meta);
      if (!isLeft(settled)) return settled.right;
      deps.onDeferred?.(settled.left);
    } catch (e) {
      deps.onDeferred?.(e);
    }
    return undefined;
  };

  const settlePayment = async (orderId: string, token: string, meta: CommandMeta): Promise<Either<CommandError, string>> => {
    const attempts = deps.chargeAttempts ?? 3;
    for (let attempt = 0; ; attempt++) {
      const payment = await pendingCharge(deps, orderId);
      if (isLeft(payment)) return payment;
      if (payment.right.status !== "requested" || attempt >= attempts) break;
      const { idempotencyKey, amountCents, currency } = payment.right;
      // The processor's own idempotency key is the order's: a charge retried for any reason is one charge.
      const outcome = await deps.payments.charge({ idempotencyKey, token, amountCents, currency });
      const recorded = await record(orderId, outcome, meta);
      if (isLeft(recorded)) {
        // Another request settling the same order (a repeated checkout) may have recorded it first.
        const now = await pendingCharge(deps, orderId);
        if (isLeft(now) || now.right.status === "requested") return recorded;
        continue;
      }
      if (outcome.status !== "failed") break;
      await sleep(50 * 2 ** attempt * (0.5 + deps.random()));
    }
    return right((await settleSoon(orderId, meta)) ?? (await statusOf(orderId)));
  };

  const pay = async (orderId: string, customerId: string, token: string, meta: CommandMeta): Promise<Either<CommandError, string>> => {
    const requested = await runner.run(meta, async () => {
      const [order, payment] = await Promise.all([load(deps, aggregates.order, orderId), load(deps, aggregates.payment, orderId)]);
      if (isLeft(order)) return order;
      if (isLeft(payment)) return payment;
      const o = order.right.state;
      // Another customer's order does not exist, as far as this one can tell.
      if (o === null || o.customerId !== customerId) return left(errors.orderNotFound(orderId));
      if (o.status !== "placed") return left(errors.illegalOrderTransition(orderId, o.status, "paid"));
      const events = paymentDecider.decide(
        { type: "RequestPayment", orderId, amountCents: o.totalCents, currency: o.currency, idempotencyKey: `order-${orderId}` },
        payment.right.state,
      );
      if (isLeft(events)) return events;
      return right({ changes: [change(payment.right, events.right)], result: { orderId } });
    });
    if (isLeft(requested)) return requested;
    return settlePayment(orderId, token, meta);
  };

  const reviewUnpaid = async (orderId: string, holdSeconds: number, reconcileAfterSeconds: number, meta: CommandMeta): Promise<Either<CommandError, string>> => {
    const [order, payment] = await Promise.all([load(deps, aggregates.order, orderId), load(deps, aggregates.payment, orderId)]);
    if (isLeft(order)) return order;
    if (isLeft(payment)) return payment;
    const o = order.right.state;
    if (o === null) return left(errors.orderNotFound(orderId));
    const now = deps.clock().getTime();
    const p = payment.right.state;
    if (o.status === "placed" && p?.status === "requested" && now >= holdEndsAt(o, reconcileAfterSeconds).getTime()) {
      // The charge was asked for but its answer never recorded (a crash, a fault after the charge):
      // the processor says what became of it, and asking never charges.
      const outcome = await deps.payments.lookup(p.idempotencyKey);
      if (outcome !== undefined && outcome.status !== "failed") {
        const recorded = await record(orderId, outcome, meta);
        if (isLeft(recorded)) return recorded;
      }
    }
    const expired = await runner.run(followUp(meta), () => planExpiry(deps, orderId, holdSeconds));
    if (isLeft(expired)) return expired;
    return settleOrder(orderId, meta);
  };

  /**
   * A retry of the checkout with the same key settles what the first left requested, under the
   * same processor key; whatever is left unsettled, the sweep of unpaid orders reconciles or ends.
   */
  const finishCheckout = async (orderId: string, token: string | undefined, meta: CommandMeta): Promise<string> => {
    if (token !== undefined) {
      try {
        const settled = await settlePayment(orderId, token, meta);
        if (!isLeft(settled)) return settled.right;
        deps.onDeferred?.(settled.left);
      } catch (e) {
        deps.onDeferred?.(e);
      }
    }
    try {
      return await statusOf(orderId);
    } catch (e) {
      deps.onDeferred?.(e);
      return "placed";
    }
  };

  return { settlePayment, pay, settleSoon, settleOrder, reviewUnpaid, finishCheckout, statusOf };
};

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

/** A flow step answers the order and its status; it has no stream of its own to name. */
const answered = (orderId: string, status: Either<CommandError, string>): SliceAnswer =>
  isLeft(status) ? status : right({ result: { orderId, status: status.right }, versions: {}, duplicate: false });

export const payOrderSlice: CommandSlice<PayOrder> = {
  codec: PayOrder,
  types: ["PayOrder"],
  handle: async ({ flow }, c, meta) => answered(c.orderId, await flow.pay(c.orderId, c.customerId, c.paymentToken, meta)),
};

export const settleOrderSlice: CommandSlice<SettleOrder> = {
  codec: SettleOrder,
  types: ["SettleOrder"],
  handle: async ({ flow }, c, meta) => answered(c.orderId, await flow.settleOrder(c.orderId, meta)),
};

export const reviewUnpaidOrderSlice: CommandSlice<ReviewUnpaidOrder> = {
  codec: ReviewUnpaidOrder,
  types: ["ReviewUnpaidOrder"],
  handle: async ({ flow }, c, meta) => answered(c.orderId, await flow.reviewUnpaid(c.orderId, c.holdSeconds, c.reconcileAfterSeconds, meta)),
};
