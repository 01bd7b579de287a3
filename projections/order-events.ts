import { orderStreamEventTypes } from "../events/index.js";
import type { EventIn, RedisEvolve, RedisKeys, RedisScope } from "./builder.js";
import type { ScriptCall } from "./redis-scripts.js";

/** An order stream's events, every one of which a model that counts paid orders handles. */
export const orderEventTypes = orderStreamEventTypes;
export type OrderEventType = (typeof orderEventTypes)[number];
export type OrderEvent = EventIn<OrderEventType>;

/**
 * What an order event does to a count of paid orders: OrderPlaced brings the lines (kept per
 * order, since OrderPaid does not repeat them), OrderPaid counts them, and OrderCancelled takes a
 * paid order's back; the rest change nothing but are still recorded, so the order's version
 * moves on and later events are not held back. A return, once orders have one, undoes a payment
 * as a cancellation does (the also-bought script already takes a "returned" order's back).
 */
export type OrderKind = "placed" | "paid" | "cancelled" | "other";

/** The evolve of a Redis model whose script call for an order event depends on its kind alone. */
export const byOrderKind = <K extends RedisKeys>(call: (kind: OrderKind) => (e: OrderEvent, keys: K, scope: RedisScope) => ScriptCall): RedisEvolve<OrderEventType, K> => ({
  OrderPlaced: call("placed"),
  OrderPaid: call("paid"),
  OrderCancelled: call("cancelled"),
  OrderPaymentFailed: call("other"),
  ShipmentDispatched: call("other"),
  ShipmentDelivered: call("other"),
  ShipmentException: call("other"),
  OrderShipped: call("other"),
  OrderDelivered: call("other"),
});
