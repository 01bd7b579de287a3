import type { OrderView } from "../../../projections/order-history.js";

/** A payment that failed leaves the order placed (it may be retried): the wire says so. */
const statusOf = (order: OrderView): OrderView["status"] | "payment-failed" => (order.status === "placed" && order.paymentFailure !== undefined ? "payment-failed" : order.status);

export const orderSummary = (order: OrderView) => ({
  orderId: order.orderId,
  status: statusOf(order),
  totalCents: order.totalCents,
  currency: order.currency,
  placedAt: order.placedAt,
});

export const orderDetails = (order: OrderView) => ({
  ...orderSummary(order),
  lines: order.lines.map(({ bookId, title, quantity, unitPriceCents, lineTotalCents }) => ({ bookId, title, quantity, unitPriceCents, lineTotalCents })),
  version: order.version,
});
