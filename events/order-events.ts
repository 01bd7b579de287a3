import * as t from "io-ts";
import { schema, type EventSchema } from "./upcast.js";
import { Cents, CountryCode, Currency, NonEmptyString, Quantity } from "./scalars.js";

/** A line as it was bought: title and price are a snapshot, later catalogue changes do not touch it. */
export const OrderLine = t.type({
  bookId: t.string,
  title: t.string,
  quantity: Quantity,
  unitPriceCents: Cents,
  lineTotalCents: Cents,
});
export type OrderLine = t.TypeOf<typeof OrderLine>;

/**
 * Where an order goes. Personal data: it is copied into the order, so an address changed in
 * the customer's book later does not move an order already placed.
 */
export const ShippingAddress = t.intersection([
  t.type({ name: NonEmptyString, line1: NonEmptyString, city: NonEmptyString, postalCode: NonEmptyString, country: CountryCode }),
  t.partial({ line2: t.string, region: t.string, phone: t.string }),
]);
export type ShippingAddress = t.TypeOf<typeof ShippingAddress>;

const OrderPlacedV1 = t.type({
  orderId: t.string,
  customerId: t.string,
  lines: t.array(OrderLine),
  itemCount: Quantity,
  totalCents: Cents,
  currency: Currency,
  placedAt: t.string,
});
const OrderPlacedV2 = t.intersection([OrderPlacedV1, t.type({ shippingAddress: t.union([ShippingAddress, t.null]) })]);
type OrderPlacedV2 = t.TypeOf<typeof OrderPlacedV2>;

/** Version 2 carries the shipping address; orders placed before it had none, and read as such. */
export const OrderPlaced: EventSchema<"OrderPlaced", OrderPlacedV2> = {
  type: "OrderPlaced",
  current: 2,
  versions: { 1: OrderPlacedV1, 2: OrderPlacedV2 },
  upcast: { 1: (v1: t.TypeOf<typeof OrderPlacedV1>): OrderPlacedV2 => ({ ...v1, shippingAddress: null }) },
  codec: OrderPlacedV2,
};
export const OrderPaid = schema(
  "OrderPaid",
  t.type({ orderId: t.string, paymentId: t.string, amountCents: Cents, currency: Currency }),
);
export const OrderPaymentFailed = schema("OrderPaymentFailed", t.type({ orderId: t.string, reason: NonEmptyString }));
/** What one shipment carries: copies of an order's books. */
export const ShipmentLine = t.type({ bookId: t.string, quantity: Quantity });
export type ShipmentLine = t.TypeOf<typeof ShipmentLine>;
/** A parcel left the warehouse with some (or all) of the order's copies. */
export const ShipmentDispatched = schema(
  "ShipmentDispatched",
  t.type({ orderId: t.string, shipmentId: t.string, carrier: NonEmptyString, trackingNumber: NonEmptyString, lines: t.array(ShipmentLine), shippedAt: t.string }),
);
export const ShipmentDelivered = schema("ShipmentDelivered", t.type({ orderId: t.string, shipmentId: t.string, deliveredAt: t.string }));
/** The warehouse or carrier reports a problem (a parcel lost, an address not found); the order stays as it is. */
export const ShipmentException = schema(
  "ShipmentException",
  t.type({ orderId: t.string, shipmentId: t.union([t.string, t.null]), note: NonEmptyString, at: t.string }),
);
/** Every copy of the order has left (appended with the shipment that completes it). */
export const OrderShipped = schema("OrderShipped", t.type({ orderId: t.string }));
/** Every shipment of a shipped order has arrived (appended with the last delivery). */
export const OrderDelivered = schema("OrderDelivered", t.type({ orderId: t.string }));

/**
 * Every event type an order's stream holds. A model that keeps a per-order version marker
 * subscribes to all of them, so a type it ignores still moves the marker on.
 */
export const orderStreamEventTypes = [
  "OrderPlaced",
  "OrderPaid",
  "OrderPaymentFailed",
  "ShipmentDispatched",
  "ShipmentDelivered",
  "ShipmentException",
  "OrderShipped",
  "OrderDelivered",
  "OrderCancelled",
] as const;

export const CancelledBy = t.keyof({ customer: null, admin: null, system: null });
export type CancelledBy = t.TypeOf<typeof CancelledBy>;
/** Always means: the order is dead and its stock is released (or returned, if it had been paid). */
export const OrderCancelled = schema(
  "OrderCancelled",
  t.type({ orderId: t.string, reason: NonEmptyString, by: CancelledBy }),
);
