import { type Either, isLeft, left, right } from "fp-ts/lib/Either.js";
import { errors } from "../../domain/errors.js";
import type { Actor } from "../../domain/order.js";
import { decideCancellation, decidePaymentResult, type OrderDecision } from "../../domain/order-process.js";
import { paymentDecider, type Payment } from "../../domain/payment.js";
import type { ChargeOutcome } from "../../domain/payment-gateway.js";
import { aggregates } from "./aggregates.js";
import type { CommandDeps } from "./deps.js";
import type { CommandError } from "./errors.js";
import { type Loaded, load, loadAll } from "./load.js";
import type { OrderState } from "../../domain/order.js";
import type { InventoryState } from "../../domain/inventory.js";
import { change, type Change, type Plan } from "./run-command.js";

export interface OrderStatusResult {
  readonly orderId: string;
  readonly status: string;
}

const loadOrderWithStock = async (deps: CommandDeps, orderId: string) => {
  const order = await load(deps, aggregates.order, orderId);
  if (isLeft(order)) return order;
  const bookIds = order.right.state?.lines.map((l) => l.bookId) ?? [];
  const inventories = await loadAll(deps, aggregates.inventory, bookIds);
  if (isLeft(inventories)) return inventories;
  // What the pure order process decides on: the states alone.
  const states = { order: order.right.state, inventories: new Map([...inventories.right].map(([id, l]) => [id, l.state])) };
  return right({ order: order.right, inventories: inventories.right, states });
};

const changesOf = (
  order: Loaded<OrderState>,
  inventories: ReadonlyMap<string, Loaded<InventoryState>>,
  decision: OrderDecision,
): Change[] => [
  change(order, decision.order),
  ...[...decision.inventories].map(([bookId, events]) => change(inventories.get(bookId)!, events)),
];

const statusAfter = (order: Loaded<OrderState>, decision: OrderDecision): string =>
  decision.order.reduce((s, e) => aggregates.order.evolve(s, e), order.state)?.status ?? "unknown";

/** Cancels an order and gives back its stock in the same transaction. */
export const planCancellation = async (
  deps: CommandDeps,
  { orderId, actor, reason }: { orderId: string; actor: Actor; reason?: string },
): Promise<Either<CommandError, Plan<OrderStatusResult>>> => {
  const loaded = await loadOrderWithStock(deps, orderId);
  if (isLeft(loaded)) return loaded;
  const { order, inventories, states } = loaded.right;
  const decision = decideCancellation(states, orderId, actor, reason);
  if (isLeft(decision)) return decision;
  return right({ changes: changesOf(order, inventories, decision.right), result: { orderId, status: statusAfter(order, decision.right) } });
};

/**
 * Records what the card processor answered on the payment stream and moves the order on:
 * captured pays it and commits the stock, declined cancels it and releases the stock.
 */
export const planChargeOutcome = async (
  deps: CommandDeps,
  orderId: string,
  outcome: ChargeOutcome,
): Promise<Either<CommandError, Plan<OrderStatusResult>>> => {
  const [payment, loaded] = await Promise.all([load(deps, aggregates.payment, orderId), loadOrderWithStock(deps, orderId)]);
  if (isLeft(payment)) return payment;
  if (isLeft(loaded)) return loaded;
  const recorded = paymentDecider.decide({ type: "RecordChargeOutcome", orderId, outcome }, payment.right.state);
  if (isLeft(recorded)) return recorded;
  const { order, inventories, states } = loaded.right;
  const decision = decidePaymentResult(states, orderId, outcome);
  if (isLeft(decision)) return decision;
  return right({
    changes: [change(payment.right, recorded.right), ...changesOf(order, inventories, decision.right)],
    result: { orderId, status: statusAfter(order, decision.right) },
  });
};

/** The payment of an order as it stands, for deciding whether to charge (again). */
export const pendingCharge = async (deps: CommandDeps, orderId: string): Promise<Either<CommandError, Payment>> => {
  const payment = await load(deps, aggregates.payment, orderId);
  if (isLeft(payment)) return payment;
  const p = payment.right.state;
  if (p === null) return left(errors.paymentNotRequested(orderId));
  return right(p);
};
