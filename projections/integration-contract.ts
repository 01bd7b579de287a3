import * as t from "io-ts";
import type { StoredEvent } from "../events/index.js";
import type { IntegrationEvent } from "./integration-bus.js";

/**
 * The integration events other systems may rely on. Each `data` codec is version 1 of its
 * detail-type; consumers decode with these and match on `detail.schemaVersion`. They carry
 * what a consumer needs, not the internal event: internal events may change freely.
 */
export const integrationSources = { orders: "bookstore.orders", inventory: "bookstore.inventory" } as const;

export const OrderPlacedV1 = t.type({
  orderId: t.string,
  customerId: t.string,
  lines: t.array(t.type({ bookId: t.string, quantity: t.number, unitPriceCents: t.number })),
  totalCents: t.number,
  currency: t.string,
  placedAt: t.string,
});
export const OrderPaidV1 = t.type({ orderId: t.string, paymentId: t.string, amountCents: t.number, currency: t.string });
export const OrderCancelledV1 = t.type({ orderId: t.string, reason: t.string, by: t.string });
/** One parcel left the warehouse (an order may ship in several). */
export const OrderShippedV1 = t.type({
  orderId: t.string,
  shipmentId: t.string,
  carrier: t.string,
  trackingNumber: t.string,
  lines: t.array(t.type({ bookId: t.string, quantity: t.number })),
  shippedAt: t.string,
});
/** One parcel arrived. */
export const OrderDeliveredV1 = t.type({ orderId: t.string, shipmentId: t.string, deliveredAt: t.string });
/** The warehouse or carrier reported a problem; `shipmentId` is null when it is about the order as a whole. */
export const ShipmentExceptionV1 = t.type({ orderId: t.string, shipmentId: t.union([t.string, t.null]), note: t.string, at: t.string });
/** The book's available copies fell below `threshold` with this event (published on the way down only). */
export const StockLowV1 = t.type({ bookId: t.string, available: t.number, threshold: t.number });

export const integrationDataCodecs = {
  OrderPlaced: OrderPlacedV1,
  OrderPaid: OrderPaidV1,
  OrderCancelled: OrderCancelledV1,
  OrderShipped: OrderShippedV1,
  OrderDelivered: OrderDeliveredV1,
  ShipmentException: ShipmentExceptionV1,
  StockLow: StockLowV1,
};
export type IntegrationDetailType = keyof typeof integrationDataCodecs;

export const IntegrationDetailCodec = t.type({
  schemaVersion: t.literal(1),
  eventId: t.string,
  occurredAt: t.string,
  streamId: t.string,
  streamVersion: t.number,
  correlationId: t.string,
  data: t.UnknownRecord,
});

const integrationEvent = <K extends IntegrationDetailType>(
  detailType: K,
  source: string,
  e: StoredEvent,
  data: t.TypeOf<(typeof integrationDataCodecs)[K]>,
  eventId: string = e.eventId,
): IntegrationEvent => ({
  source,
  detailType,
  time: e.occurredAt,
  detail: { schemaVersion: 1, eventId, occurredAt: e.occurredAt, streamId: e.streamId, streamVersion: e.version, correlationId: e.meta.correlationId, data },
});

/** The order integration event an internal order event becomes, if any. */
export const orderIntegrationEvent = (e: StoredEvent): IntegrationEvent | undefined => {
  switch (e.type) {
    case "OrderPlaced": {
      const { orderId, customerId, lines, totalCents, currency, placedAt } = e.data;
      const publicLines = lines.map(({ bookId, quantity, unitPriceCents }) => ({ bookId, quantity, unitPriceCents }));
      return integrationEvent("OrderPlaced", integrationSources.orders, e, { orderId, customerId, lines: publicLines, totalCents, currency, placedAt });
    }
    case "OrderPaid": {
      const { orderId, paymentId, amountCents, currency } = e.data;
      return integrationEvent("OrderPaid", integrationSources.orders, e, { orderId, paymentId, amountCents, currency });
    }
    case "OrderCancelled": {
      const { orderId, reason, by } = e.data;
      return integrationEvent("OrderCancelled", integrationSources.orders, e, { orderId, reason, by });
    }
    // Per parcel, not per order: a consumer tracking parcels needs each one, and the order's
    // own milestone (every copy shipped) is the shipment whose lines complete it.
    case "ShipmentDispatched": {
      const { orderId, shipmentId, carrier, trackingNumber, lines, shippedAt } = e.data;
      return integrationEvent("OrderShipped", integrationSources.orders, e, { orderId, shipmentId, carrier, trackingNumber, lines, shippedAt });
    }
    case "ShipmentDelivered": {
      const { orderId, shipmentId, deliveredAt } = e.data;
      return integrationEvent("OrderDelivered", integrationSources.orders, e, { orderId, shipmentId, deliveredAt });
    }
    case "ShipmentException": {
      const { orderId, shipmentId, note, at } = e.data;
      return integrationEvent("ShipmentException", integrationSources.orders, e, { orderId, shipmentId, note, at });
    }
    default:
      return undefined;
  }
};

/** StockLow, named after the inventory event that crossed the threshold (so a redelivery has the same id). */
export const stockLow = (e: StoredEvent, bookId: string, available: number, threshold: number): IntegrationEvent =>
  integrationEvent("StockLow", integrationSources.inventory, e, { bookId, available, threshold }, `${e.eventId}.StockLow`);
