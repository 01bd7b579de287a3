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
  shippingAddress: order.shippingAddress,
  shipments: order.shipments.map(({ shipmentId, carrier, trackingNumber, lines, shippedAt, deliveredAt }) => ({
    shipmentId,
    carrier,
    trackingNumber,
    lines: lines.map(({ bookId, quantity }) => ({ bookId, quantity })),
    status: deliveredAt === undefined ? ("shipped" as const) : ("delivered" as const),
    shippedAt,
    ...(deliveredAt === undefined ? {} : { deliveredAt }),
  })),
  exceptions: order.exceptions.map(({ shipmentId, note, at }) => ({ shipmentId, note, at })),
  version: order.version,
});
