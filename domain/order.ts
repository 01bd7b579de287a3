import * as t from "io-ts";
import { left, right, type Either } from "fp-ts/lib/Either.js";
import { absurd } from "fp-ts/lib/function.js";
import { event, Id, Int, type EventOf, type OrderLine, streams } from "../events/index.js";
import type { Decider } from "./decider.js";
import { errors, type DomainError } from "./errors.js";
import { strict } from "./strict.js";
import { isBlank } from "./validation.js";
import { defineAggregate } from "./aggregate.js";
import { decisionSlice } from "./slice.js";

/**
 * Internal: built by `decideCheckout` from the cart and the catalogue, never decoded from a
 * client, which is why it may carry prices.
 */
export const PlaceOrder = strict({
  type: t.literal("PlaceOrder"),
  orderId: Id,
  customerId: Id,
  lines: t.array(strict({ bookId: Id, title: t.string, quantity: Int, unitPriceCents: Int })),
  currency: t.string,
  placedAt: t.string,
});
export const RecordOrderPayment = strict({
  type: t.literal("RecordOrderPayment"),
  orderId: Id,
  paymentId: t.string,
  amountCents: Int,
  currency: t.string,
});
export const RecordOrderPaymentFailure = strict({ type: t.literal("RecordOrderPaymentFailure"), orderId: Id, reason: t.string });
export const ShipOrder = strict({ type: t.literal("ShipOrder"), orderId: Id });
export const DeliverOrder = strict({ type: t.literal("DeliverOrder"), orderId: Id });
/** Who asks matters: a customer may cancel only their own order, and learns nothing about others'. */
export const Actor = t.union([
  strict({ role: t.literal("customer"), customerId: Id }),
  strict({ role: t.literal("admin"), adminId: Id }),
]);
export type Actor = t.TypeOf<typeof Actor>;
export const CancelOrder = strict({ type: t.literal("CancelOrder"), orderId: Id, actor: Actor }, { reason: t.string });
/**
 * Internal, from the sweep of unpaid orders: an order still placed (not paid) `holdSeconds`
 * after it was placed is cancelled by the system, which releases its stock. `now` comes from
 * the caller's clock.
 */
export const ExpireOrder = strict({ type: t.literal("ExpireOrder"), orderId: Id, holdSeconds: Int, now: t.string });
export const OrderCommand = t.union([PlaceOrder, RecordOrderPayment, RecordOrderPaymentFailure, ShipOrder, DeliverOrder, CancelOrder, ExpireOrder]);
export type OrderCommand = t.TypeOf<typeof OrderCommand>;

export type OrderEvent = EventOf<
  "OrderPlaced" | "OrderPaid" | "OrderPaymentFailed" | "OrderShipped" | "OrderDelivered" | "OrderCancelled"
>;

export type OrderStatus = "placed" | "paid" | "shipped" | "delivered" | "cancelled";
export interface Order {
  readonly orderId: string;
  readonly customerId: string;
  readonly status: OrderStatus;
  readonly lines: readonly OrderLine[];
  readonly totalCents: number;
  readonly currency: string;
  readonly paymentId: string | null;
  readonly paymentFailure: string | null;
  readonly placedAt: string;
}
export type OrderState = Order | null;

const evolve = (s: OrderState, e: OrderEvent): OrderState => {
  if (e.type === "OrderPlaced") {
    const { orderId, customerId, lines, totalCents, currency, placedAt } = e.data;
    return { orderId, customerId, lines, totalCents, currency, placedAt, status: "placed", paymentId: null, paymentFailure: null };
  }
  if (s === null) return s;
  switch (e.type) {
    case "OrderPaid":
      return { ...s, status: "paid", paymentId: e.data.paymentId };
    case "OrderPaymentFailed":
      return { ...s, paymentFailure: e.data.reason };
    case "OrderShipped":
      return { ...s, status: "shipped" };
    case "OrderDelivered":
      return { ...s, status: "delivered" };
    case "OrderCancelled":
      return { ...s, status: "cancelled" };
    default:
      return absurd(e);
  }
};

const place = (cmd: t.TypeOf<typeof PlaceOrder>, s: OrderState): Either<DomainError, OrderEvent[]> => {
  if (s !== null) return left(errors.orderAlreadyExists(cmd.orderId));
  if (cmd.lines.length === 0) return left(errors.emptyCart());
  const lines = cmd.lines.map((l) => ({ ...l, lineTotalCents: l.unitPriceCents * l.quantity }));
  return right([
    event("OrderPlaced", {
      orderId: cmd.orderId,
      customerId: cmd.customerId,
      lines,
      itemCount: lines.reduce((n, l) => n + l.quantity, 0),
      totalCents: lines.reduce((n, l) => n + l.lineTotalCents, 0),
      currency: cmd.currency,
      placedAt: cmd.placedAt,
    }),
  ]);
};

const pay = (cmd: t.TypeOf<typeof RecordOrderPayment>, o: Order): Either<DomainError, OrderEvent[]> => {
  if (o.status === "paid" && o.paymentId === cmd.paymentId) return right([]);
  if (o.status !== "placed") return left(errors.illegalOrderTransition(o.orderId, o.status, "paid"));
  if (cmd.amountCents !== o.totalCents || cmd.currency !== o.currency) {
    return left(errors.paymentAmountMismatch(o.totalCents, cmd.amountCents));
  }
  const { orderId, paymentId, amountCents, currency } = cmd;
  return right([event("OrderPaid", { orderId, paymentId, amountCents, currency })]);
};

/** A failed payment ends the order: it is cancelled, so its stock is released like any cancellation. */
const paymentFailed = (cmd: t.TypeOf<typeof RecordOrderPaymentFailure>, o: Order): Either<DomainError, OrderEvent[]> => {
  if (o.status === "cancelled") return right([]);
  if (o.status !== "placed") return left(errors.illegalOrderTransition(o.orderId, o.status, "marked as failed payment"));
  const reason = isBlank(cmd.reason) ? "payment failed" : cmd.reason.trim();
  return right([
    event("OrderPaymentFailed", { orderId: o.orderId, reason }),
    event("OrderCancelled", { orderId: o.orderId, reason: `payment failed: ${reason}`, by: "system" }),
  ]);
};

const cancel = (cmd: t.TypeOf<typeof CancelOrder>, o: Order): Either<DomainError, OrderEvent[]> => {
  if (cmd.actor.role === "customer" && cmd.actor.customerId !== o.customerId) return left(errors.orderNotFound(o.orderId));
  if (o.status !== "placed" && o.status !== "paid") return left(errors.illegalOrderTransition(o.orderId, o.status, "cancelled"));
  const reason = cmd.reason === undefined || isBlank(cmd.reason) ? `cancelled by the ${cmd.actor.role}` : cmd.reason.trim();
  return right([event("OrderCancelled", { orderId: o.orderId, reason, by: cmd.actor.role })]);
};

/** When an unpaid order's hold on its stock ends. */
export const holdEndsAt = (o: Order, holdSeconds: number): Date => new Date(Date.parse(o.placedAt) + holdSeconds * 1000);

const expire = (cmd: t.TypeOf<typeof ExpireOrder>, o: Order): Either<DomainError, OrderEvent[]> => {
  // Paid, cancelled or still within its hold: nothing to do, so a sweep may ask twice.
  if (o.status !== "placed" || holdEndsAt(o, cmd.holdSeconds).getTime() > Date.parse(cmd.now)) return right([]);
  return right([event("OrderCancelled", { orderId: o.orderId, reason: `not paid within ${cmd.holdSeconds} s of checkout`, by: "system" })]);
};

const advance = (o: Order, from: OrderStatus, action: string, next: OrderEvent): Either<DomainError, OrderEvent[]> =>
  o.status === from ? right([next]) : left(errors.illegalOrderTransition(o.orderId, o.status, action));

const decide = (cmd: OrderCommand, s: OrderState): Either<DomainError, OrderEvent[]> => {
  if (cmd.type === "PlaceOrder") return place(cmd, s);
  if (s === null) return left(errors.orderNotFound(cmd.orderId));
  switch (cmd.type) {
    case "RecordOrderPayment":
      return pay(cmd, s);
    case "RecordOrderPaymentFailure":
      return paymentFailed(cmd, s);
    case "ShipOrder":
      return advance(s, "paid", "shipped", event("OrderShipped", { orderId: s.orderId }));
    case "DeliverOrder":
      return advance(s, "shipped", "delivered", event("OrderDelivered", { orderId: s.orderId }));
    case "CancelOrder":
      return cancel(cmd, s);
    case "ExpireOrder":
      return expire(cmd, s);
    default:
      return absurd(cmd);
  }
};

export const orderDecider: Decider<OrderCommand, OrderState, OrderEvent, DomainError> = {
  initialState: null,
  evolve,
  decide,
};

export const orderAggregate = defineAggregate<OrderState>("order", streams.order, orderDecider);

/** Fulfilment's steps: each writes the order's stream alone (cancelling also moves stock, so it is a slice of its own). */
export const OrderFulfilmentCommand = t.union([ShipOrder, DeliverOrder]);
export const orderFulfilmentSlice = decisionSlice({
  codec: OrderFulfilmentCommand,
  types: ["ShipOrder", "DeliverOrder"],
  target: (c) => ({ aggregate: orderAggregate, id: c.orderId }),
  decide: (c, s) => orderDecider.decide(c, s),
});
