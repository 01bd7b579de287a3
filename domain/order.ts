import * as t from "io-ts";
import { left, right, type Either } from "fp-ts/lib/Either.js";
import { absurd } from "fp-ts/lib/function.js";
import { event, Id, Int, orderStreamEventTypes, type EventOf, type OrderLine, type ShipmentLine, type ShippingAddress, streams } from "../events/index.js";
import type { Decider } from "./decider.js";
import { errors, type DomainError, type ShortLine } from "./errors.js";
import { strict } from "./strict.js";
import { isBlank } from "./validation.js";
import { defineAggregate } from "./aggregate.js";
import { decisionSlice } from "./slice.js";

/** An address as a command carries it; the HTTP edge bounds each field, the decider only trusts its shape. */
export const ShippingAddressInput = strict(
  { name: t.string, line1: t.string, city: t.string, postalCode: t.string, country: t.string },
  { line2: t.string, region: t.string, phone: t.string },
);
export type ShippingAddressInput = t.TypeOf<typeof ShippingAddressInput>;

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
  shippingAddress: t.union([ShippingAddressInput, t.null]),
});
export const RecordOrderPayment = strict({
  type: t.literal("RecordOrderPayment"),
  orderId: Id,
  paymentId: t.string,
  amountCents: Int,
  currency: t.string,
});
export const RecordOrderPaymentFailure = strict({ type: t.literal("RecordOrderPaymentFailure"), orderId: Id, reason: t.string });
/**
 * A parcel leaves with `lines` (everything not yet shipped, when absent). Sending the same
 * shipment id again with the same contents changes nothing, so the warehouse may repeat itself.
 */
export const ShipOrder = strict(
  { type: t.literal("ShipOrder"), orderId: Id, shipmentId: Id, carrier: t.string, trackingNumber: t.string, at: t.string },
  { lines: t.array(strict({ bookId: Id, quantity: Int })) },
);
/** One shipment arrived; without a shipment id, every shipment still on its way. */
export const DeliverShipment = strict({ type: t.literal("DeliverShipment"), orderId: Id, at: t.string }, { shipmentId: Id });
export const RecordShipmentException = strict(
  { type: t.literal("RecordShipmentException"), orderId: Id, note: t.string, at: t.string },
  { shipmentId: Id },
);
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
export const OrderCommand = t.union([
  PlaceOrder,
  RecordOrderPayment,
  RecordOrderPaymentFailure,
  ShipOrder,
  DeliverShipment,
  RecordShipmentException,
  CancelOrder,
  ExpireOrder,
]);
export type OrderCommand = t.TypeOf<typeof OrderCommand>;

export type OrderEvent = EventOf<(typeof orderStreamEventTypes)[number]>;

export type OrderStatus = "placed" | "paid" | "partially-shipped" | "shipped" | "delivered" | "cancelled";
export interface Shipment {
  readonly shipmentId: string;
  readonly carrier: string;
  readonly trackingNumber: string;
  readonly lines: readonly ShipmentLine[];
  readonly delivered: boolean;
}
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
  readonly shippingAddress: ShippingAddress | null;
  readonly shipments: readonly Shipment[];
}
export type OrderState = Order | null;

/** The copies of each book still to ship: ordered, less what the shipments so far carried. */
export const unshipped = (o: Order): Map<string, number> => {
  const toShip = new Map<string, number>();
  for (const l of o.lines) toShip.set(l.bookId, (toShip.get(l.bookId) ?? 0) + l.quantity);
  for (const s of o.shipments) for (const l of s.lines) toShip.set(l.bookId, (toShip.get(l.bookId) ?? 0) - l.quantity);
  return new Map([...toShip].filter(([, n]) => n > 0));
};

const evolve = (s: OrderState, e: OrderEvent): OrderState => {
  if (e.type === "OrderPlaced") {
    const { orderId, customerId, lines, totalCents, currency, placedAt, shippingAddress } = e.data;
    return { orderId, customerId, lines, totalCents, currency, placedAt, shippingAddress, status: "placed", paymentId: null, paymentFailure: null, shipments: [] };
  }
  if (s === null) return s;
  switch (e.type) {
    case "OrderPaid":
      return { ...s, status: "paid", paymentId: e.data.paymentId };
    case "OrderPaymentFailed":
      return { ...s, paymentFailure: e.data.reason };
    case "ShipmentDispatched": {
      const { shipmentId, carrier, trackingNumber, lines } = e.data;
      return { ...s, status: "partially-shipped", shipments: [...s.shipments, { shipmentId, carrier, trackingNumber, lines, delivered: false }] };
    }
    case "ShipmentDelivered":
      return { ...s, shipments: s.shipments.map((x) => (x.shipmentId === e.data.shipmentId ? { ...x, delivered: true } : x)) };
    case "ShipmentException":
      return s;
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
      shippingAddress: cmd.shippingAddress,
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

const sameLines = (a: readonly ShipmentLine[], b: readonly ShipmentLine[]): boolean => {
  const key = (ls: readonly ShipmentLine[]) => JSON.stringify([...ls].map((l) => [l.bookId, l.quantity]).sort());
  return key(a) === key(b);
};

/** The lines a shipment carries, added up per book (a client may list a book twice). */
const merged = (lines: readonly ShipmentLine[]): ShipmentLine[] => {
  const byBook = new Map<string, number>();
  for (const l of lines) byBook.set(l.bookId, (byBook.get(l.bookId) ?? 0) + l.quantity);
  return [...byBook].map(([bookId, quantity]) => ({ bookId, quantity }));
};

const ship = (cmd: t.TypeOf<typeof ShipOrder>, o: Order): Either<DomainError, OrderEvent[]> => {
  const carrier = cmd.carrier.trim();
  const trackingNumber = cmd.trackingNumber.trim();
  if (carrier === "") return left(errors.missingField("carrier"));
  if (trackingNumber === "") return left(errors.missingField("trackingNumber"));
  const earlier = o.shipments.find((s) => s.shipmentId === cmd.shipmentId);
  if (earlier !== undefined) {
    const same = earlier.carrier === carrier && earlier.trackingNumber === trackingNumber && (cmd.lines === undefined || sameLines(earlier.lines, merged(cmd.lines)));
    return same ? right([]) : left(errors.shipmentConflict(o.orderId, cmd.shipmentId));
  }
  if (o.status !== "paid" && o.status !== "partially-shipped") return left(errors.illegalOrderTransition(o.orderId, o.status, "shipped"));
  const remaining = unshipped(o);
  const lines = cmd.lines === undefined ? [...remaining].map(([bookId, quantity]) => ({ bookId, quantity })) : merged(cmd.lines);
  if (lines.length === 0) return left(errors.nothingToShip(o.orderId));
  const over: ShortLine[] = [];
  for (const l of lines) {
    if (l.quantity < 1) return left(errors.invalidQuantity(l.quantity, 1, Number.MAX_SAFE_INTEGER));
    const toShip = remaining.get(l.bookId) ?? 0;
    if (l.quantity > toShip) over.push({ bookId: l.bookId, requested: l.quantity, available: toShip });
  }
  if (over.length > 0) return left(errors.shipsTooMuch(o.orderId, over));
  const dispatched = event("ShipmentDispatched", { orderId: o.orderId, shipmentId: cmd.shipmentId, carrier, trackingNumber, lines, shippedAt: cmd.at });
  const complete = lines.reduce((n, l) => n + l.quantity, 0) === [...remaining.values()].reduce((n, q) => n + q, 0);
  return right(complete ? [dispatched, event("OrderShipped", { orderId: o.orderId })] : [dispatched]);
};

const deliver = (cmd: t.TypeOf<typeof DeliverShipment>, o: Order): Either<DomainError, OrderEvent[]> => {
  const targets = cmd.shipmentId === undefined ? o.shipments.filter((s) => !s.delivered) : o.shipments.filter((s) => s.shipmentId === cmd.shipmentId);
  if (cmd.shipmentId !== undefined && targets.length === 0) return left(errors.shipmentNotFound(o.orderId, cmd.shipmentId));
  if (cmd.shipmentId === undefined && targets.length === 0) return left(errors.illegalOrderTransition(o.orderId, o.status, "delivered"));
  const arriving = targets.filter((s) => !s.delivered);
  // Delivered already: saying so again changes nothing.
  if (arriving.length === 0) return right([]);
  const delivered = arriving.map((s) => event("ShipmentDelivered", { orderId: o.orderId, shipmentId: s.shipmentId, deliveredAt: cmd.at }));
  const stillOut = o.shipments.filter((s) => !s.delivered && !arriving.includes(s));
  return right(o.status === "shipped" && stillOut.length === 0 ? [...delivered, event("OrderDelivered", { orderId: o.orderId })] : delivered);
};

const exception = (cmd: t.TypeOf<typeof RecordShipmentException>, o: Order): Either<DomainError, OrderEvent[]> => {
  const note = cmd.note.trim();
  if (note === "") return left(errors.missingField("note"));
  if (cmd.shipmentId !== undefined && !o.shipments.some((s) => s.shipmentId === cmd.shipmentId)) return left(errors.shipmentNotFound(o.orderId, cmd.shipmentId));
  if (o.status === "placed" || o.status === "cancelled") return left(errors.illegalOrderTransition(o.orderId, o.status, "given a shipment exception"));
  return right([event("ShipmentException", { orderId: o.orderId, shipmentId: cmd.shipmentId ?? null, note, at: cmd.at })]);
};

const decide = (cmd: OrderCommand, s: OrderState): Either<DomainError, OrderEvent[]> => {
  if (cmd.type === "PlaceOrder") return place(cmd, s);
  if (s === null) return left(errors.orderNotFound(cmd.orderId));
  switch (cmd.type) {
    case "RecordOrderPayment":
      return pay(cmd, s);
    case "RecordOrderPaymentFailure":
      return paymentFailed(cmd, s);
    case "ShipOrder":
      return ship(cmd, s);
    case "DeliverShipment":
      return deliver(cmd, s);
    case "RecordShipmentException":
      return exception(cmd, s);
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
export const OrderFulfilmentCommand = t.union([ShipOrder, DeliverShipment, RecordShipmentException]);
export const orderFulfilmentSlice = decisionSlice({
  codec: OrderFulfilmentCommand,
  types: ["ShipOrder", "DeliverShipment", "RecordShipmentException"],
  target: (c) => ({ aggregate: orderAggregate, id: c.orderId }),
  decide: (c, s) => orderDecider.decide(c, s),
});
