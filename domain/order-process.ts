import { isLeft, left, right, type Either } from "fp-ts/lib/Either.js";
import { absurd } from "fp-ts/lib/function.js";
import { errors, type DomainError } from "./errors.js";
import { inventoryDecider, type InventoryCommand, type InventoryEvent, type InventoryState } from "./inventory.js";
import { orderDecider, type Actor, type Order, type OrderCommand, type OrderEvent, type OrderState } from "./order.js";
import type { ChargeOutcome } from "./payment-gateway.js";
import type { OrderLine } from "../events/index.js";

/**
 * What happens to an order's stock when the order moves on: paid orders commit their
 * reservations, cancelled ones release them. Like checkout, the result is one set of events per
 * stream, for one multi-stream append.
 */
export interface OrderDecision {
  readonly order: OrderEvent[];
  readonly inventories: Map<string, InventoryEvent[]>;
}

export interface OrderStreams {
  readonly order: OrderState;
  /** The inventory of every book on the order. */
  readonly inventories: ReadonlyMap<string, InventoryState>;
}

const alongside = (
  o: Order,
  orderCommand: OrderCommand,
  stockCommand: (line: OrderLine) => InventoryCommand,
  inventories: ReadonlyMap<string, InventoryState>,
): Either<DomainError, OrderDecision> => {
  const order = orderDecider.decide(orderCommand, o);
  if (isLeft(order)) return order;
  const stock = new Map<string, InventoryEvent[]>();
  if (order.right.length === 0) return right({ order: [], inventories: stock });
  for (const line of o.lines) {
    const state = inventories.get(line.bookId) ?? inventoryDecider.initialState;
    const decided = inventoryDecider.decide(stockCommand(line), state);
    if (isLeft(decided)) return decided;
    if (decided.right.length > 0) stock.set(line.bookId, decided.right);
  }
  return right({ order: order.right, inventories: stock });
};

/**
 * A captured charge pays the order and commits its stock; a decline cancels it and releases the
 * stock; a transient failure changes nothing here (the payment stream records the attempt).
 */
export const decidePaymentResult = (
  { order, inventories }: OrderStreams,
  orderId: string,
  outcome: ChargeOutcome,
): Either<DomainError, OrderDecision> => {
  if (order === null) return left(errors.orderNotFound(orderId));
  switch (outcome.status) {
    case "captured":
      return alongside(
        order,
        { type: "RecordOrderPayment", orderId, paymentId: outcome.chargeId, amountCents: order.totalCents, currency: order.currency },
        ({ bookId }) => ({ type: "CommitReservation", bookId, orderId }),
        inventories,
      );
    case "declined":
      return alongside(
        order,
        { type: "RecordOrderPaymentFailure", orderId, reason: outcome.reason },
        ({ bookId }) => ({ type: "ReleaseReservation", bookId, orderId }),
        inventories,
      );
    case "failed":
      return right({ order: [], inventories: new Map() });
    default:
      return absurd(outcome);
  }
};

/** Cancelling gives back what the order holds: open reservations are released, paid copies returned. */
export const decideCancellation = (
  { order, inventories }: OrderStreams,
  orderId: string,
  actor: Actor,
  reason?: string,
): Either<DomainError, OrderDecision> => {
  if (order === null) return left(errors.orderNotFound(orderId));
  return alongside(
    order,
    { type: "CancelOrder", orderId, actor, ...(reason === undefined ? {} : { reason }) },
    // A paid order's copies were taken off the shelf; an unpaid order's are only held.
    ({ bookId, quantity }) =>
      order.status === "paid" ? { type: "ReturnStock", bookId, orderId, quantity } : { type: "ReleaseReservation", bookId, orderId },
    inventories,
  );
};
