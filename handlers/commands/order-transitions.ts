import type * as t from "io-ts";
import { type Either, isLeft, left, right } from "fp-ts/lib/Either.js";
import { errors } from "../../domain/errors.js";
import { CancelOrder, orderDecider, type Actor, type OrderEvent, type OrderState } from "../../domain/order.js";
import { decideCancellation, decidePaymentResult } from "../../domain/order-process.js";
import { paymentDecider, type Payment } from "../../domain/payment.js";
import type { ChargeOutcome } from "../../domain/payment-gateway.js";
import { settleReservation } from "../../domain/reservation.js";
import { aggregates } from "./aggregates.js";
import type { CommandDeps } from "./deps.js";
import type { CommandError } from "./errors.js";
import { type Loaded, load } from "./load.js";
import { change, type Plan } from "./run-command.js";
import type { CommandSlice } from "./slice.js";
import { stockCounterChanges } from "./stock.js";

export interface OrderStatusResult {
  readonly orderId: string;
  readonly status: string;
}

const statusAfter = (order: Loaded<OrderState>, events: readonly OrderEvent[]): string =>
  events.reduce((s, e) => aggregates.order.evolve(s, e), order.state)?.status ?? "unknown";

const orderOnly = (order: Loaded<OrderState>, orderId: string, decided: Either<CommandError, OrderEvent[]>): Either<CommandError, Plan<OrderStatusResult>> =>
  isLeft(decided) ? decided : right({ changes: [change(order, decided.right)], result: { orderId, status: statusAfter(order, decided.right) } });

/** Cancels an order: the order's stream alone; its stock is given back by settling it (`planStockSettlement`). */
export const planCancellation = async (
  deps: CommandDeps,
  { orderId, actor, reason }: { orderId: string; actor: Actor; reason?: string },
): Promise<Either<CommandError, Plan<OrderStatusResult>>> => {
  const order = await load(deps, aggregates.order, orderId);
  if (isLeft(order)) return order;
  return orderOnly(order.right, orderId, decideCancellation(order.right.state, orderId, actor, reason));
};

/** Cancelling: the order's stream, then its stock back (and its payment, if it was paid) at once; the order process makes sure of it. */
export const cancellationSlice: CommandSlice<t.TypeOf<typeof CancelOrder>> = {
  codec: CancelOrder,
  types: ["CancelOrder"],
  handle: async ({ deps, runner, flow }, command, meta) => {
    const cancelled = await runner.run(meta, () =>
      planCancellation(deps, { orderId: command.orderId, actor: command.actor, ...(command.reason === undefined ? {} : { reason: command.reason }) }),
    );
    if (!isLeft(cancelled)) await flow.settleSoon(command.orderId, meta);
    return cancelled;
  },
};

/** Cancels an order still unpaid at the end of its hold; nothing for any other order. */
export const planExpiry = async (deps: CommandDeps, orderId: string, holdSeconds: number): Promise<Either<CommandError, Plan<OrderStatusResult>>> => {
  const order = await load(deps, aggregates.order, orderId);
  if (isLeft(order)) return order;
  if (order.right.state === null) return left(errors.orderNotFound(orderId));
  const now = deps.clock().toISOString();
  return orderOnly(order.right, orderId, orderDecider.decide({ type: "ExpireOrder", orderId, holdSeconds, now }, order.right.state));
};

/**
 * Records what the card processor answered: on the payment stream, and on the order's (paid,
 * or cancelled by a decline). Those two streams only, which no other customer's checkout
 * writes, so the outcome of a charge is recorded whatever the contention on its books.
 */
export const planChargeOutcome = async (
  deps: CommandDeps,
  orderId: string,
  outcome: ChargeOutcome,
): Promise<Either<CommandError, Plan<OrderStatusResult>>> => {
  const [payment, order] = await Promise.all([load(deps, aggregates.payment, orderId), load(deps, aggregates.order, orderId)]);
  if (isLeft(payment)) return payment;
  if (isLeft(order)) return order;
  const recorded = paymentDecider.decide({ type: "RecordChargeOutcome", orderId, outcome }, payment.right.state);
  if (isLeft(recorded)) return recorded;
  const moved = decidePaymentResult(order.right.state, orderId, outcome);
  if (isLeft(moved)) return moved;
  return right({
    changes: [change(payment.right, recorded.right), change(order.right, moved.right)],
    result: { orderId, status: statusAfter(order.right, moved.right) },
  });
};

/**
 * Brings an order's stock where the order stands (commit once paid, release or return once
 * cancelled): the reservation stream and each book's counter, in one transaction. Safe to run
 * any number of times, by anyone: the second run finds nothing to do.
 */
export const planStockSettlement = async (deps: CommandDeps, orderId: string): Promise<Either<CommandError, Plan<OrderStatusResult>>> => {
  const [order, reservation] = await Promise.all([load(deps, aggregates.order, orderId), load(deps, aggregates.reservation, orderId)]);
  if (isLeft(order)) return order;
  if (isLeft(reservation)) return reservation;
  const events = settleReservation(order.right.state, reservation.right.state);
  return right({
    changes: [change(reservation.right, events)],
    counters: stockCounterChanges(events),
    result: { orderId, status: order.right.state?.status ?? "unknown" },
  });
};

/** Records a refund the processor confirmed. */
export const planRefundRecord = async (
  deps: CommandDeps,
  orderId: string,
  refundId: string,
  reason: string,
): Promise<Either<CommandError, Plan<OrderStatusResult>>> => {
  const payment = await load(deps, aggregates.payment, orderId);
  if (isLeft(payment)) return payment;
  const recorded = paymentDecider.decide({ type: "RecordRefund", orderId, refundId, reason }, payment.right.state);
  if (isLeft(recorded)) return recorded;
  return right({ changes: [change(payment.right, recorded.right)], result: { orderId, status: "refunded" } });
};

/** The payment of an order as it stands, for deciding whether to charge (again). */
export const pendingCharge = async (deps: CommandDeps, orderId: string): Promise<Either<CommandError, Payment>> => {
  const payment = await load(deps, aggregates.payment, orderId);
  if (isLeft(payment)) return payment;
  const p = payment.right.state;
  if (p === null) return left(errors.paymentNotRequested(orderId));
  return right(p);
};
