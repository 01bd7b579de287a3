import * as t from "io-ts";
import { MAX_LINE_QUANTITY, MAX_LINES } from "../../../domain/cart.js";
import { Cents, Currency, Id, MinVersion, TotalCents } from "./common.js";
import { DateTimeInput, intBetween, intQuery, matching, text, Timestamp, upTo } from "./refine.js";
import { AddressView } from "./addresses.js";
import { withSchema } from "../json-schema-hints.js";
import { Title } from "./books.js";
import { strict } from "./strict.js";

export const OrderIdPath = strict("OrderIdPath", { orderId: Id });
export const OrderQuery = strict("OrderQuery", {}, { minVersion: MinVersion });
export const OrderStatus = t.keyof(
  { placed: null, paid: null, "payment-failed": null, "partially-shipped": null, shipped: null, delivered: null, cancelled: null },
  "OrderStatus",
);
/** The last order of the previous page, as that page's `nextCursor` gave it. */
const OrdersCursor = matching("OrdersCursor", /^order#[A-Za-z0-9_-]{1,64}$/, 70);
export const OrdersQuery = strict("OrdersQuery", {}, { cursor: OrdersCursor, limit: intQuery("Limit", 1, 100) });

export const OrderLine = t.type(
  { bookId: Id, title: Title, quantity: intBetween("OrderedQuantity", 1, MAX_LINE_QUANTITY), unitPriceCents: Cents, lineTotalCents: TotalCents },
  "OrderLine",
);
const Carrier = text("Carrier", 100);
const TrackingNumber = matching("TrackingNumber", /^[A-Za-z0-9][A-Za-z0-9 ._/-]{0,99}$/, 100);
const ShipmentQuantity = intBetween("ShipmentQuantity", 1, MAX_LINE_QUANTITY);
export const ShipmentLine = t.type({ bookId: Id, quantity: ShipmentQuantity }, "ShipmentLine");
const ShipmentStatus = t.keyof({ shipped: null, delivered: null }, "ShipmentStatus");
/** At most one shipment per copy ordered. */
const MAX_SHIPMENTS = MAX_LINES * MAX_LINE_QUANTITY;
export const ShipmentView = t.intersection(
  [
    t.type({ shipmentId: Id, carrier: Carrier, trackingNumber: TrackingNumber, lines: upTo(ShipmentLine, MAX_LINES, "ShipmentLines"), status: ShipmentStatus, shippedAt: Timestamp }),
    t.partial({ deliveredAt: Timestamp }),
  ],
  "ShipmentView",
);
const ExceptionNote = text("ExceptionNote", 1000);
export const ShipmentExceptionView = t.type({ shipmentId: t.union([Id, t.null]), note: ExceptionNote, at: Timestamp }, "ShipmentExceptionView");
export const OrderView = t.type(
  {
    orderId: Id,
    status: OrderStatus,
    lines: upTo(OrderLine, MAX_LINES, "OrderLines"),
    totalCents: TotalCents,
    currency: Currency,
    placedAt: Timestamp,
    /** Orders placed before addresses were taken have none. */
    shippingAddress: t.union([AddressView, t.null]),
    shipments: upTo(ShipmentView, MAX_SHIPMENTS, "Shipments"),
    /** What the warehouse or carrier reported going wrong, oldest first (the latest 20). */
    exceptions: upTo(ShipmentExceptionView, 20, "ShipmentExceptions"),
    version: intBetween("OrderVersion", 1, Number.MAX_SAFE_INTEGER),
  },
  "OrderView",
);

/** Lines default to every copy not yet shipped. */
export const ShipmentBody = strict("ShipmentBody", { carrier: Carrier, trackingNumber: TrackingNumber }, { lines: upTo(strict("ShipmentLineBody", { bookId: Id, quantity: ShipmentQuantity }), MAX_LINES, "ShipmentLinesBody") });
export const ShipmentPath = strict("ShipmentPath", { orderId: Id, shipmentId: Id });
export const ShipmentCreated = t.type({ shipmentId: Id, version: intBetween("OrderVersion", 1, Number.MAX_SAFE_INTEGER) }, "ShipmentCreated");

/** One status report from the order management system; `eventId` is its own id for it, so a repeat is recognised. */
export const FulfilmentEventBody = strict(
  "FulfilmentEvent",
  { eventId: Id, orderId: Id, type: t.keyof({ shipped: null, delivered: null, exception: null }, "FulfilmentEventType"), at: DateTimeInput },
  { shipmentId: Id, carrier: Carrier, trackingNumber: TrackingNumber, lines: upTo(strict("FulfilmentLine", { bookId: Id, quantity: ShipmentQuantity }), MAX_LINES, "FulfilmentLines"), note: text("Note", 1000) },
);
export const MAX_FULFILMENT_EVENTS = 100;
const FulfilmentEventList = withSchema(
  t.refinement(t.array(FulfilmentEventBody), (a) => a.length >= 1 && a.length <= MAX_FULFILMENT_EVENTS, "FulfilmentEventList"),
  { minItems: 1, maxItems: MAX_FULFILMENT_EVENTS },
);
/** The batch as `{"events": [...]}` or as the bare array. */
export const FulfilmentEventsBody = t.union([strict("FulfilmentBatch", { events: FulfilmentEventList }), FulfilmentEventList], "FulfilmentEventsBody");
export const FulfilmentResult = t.intersection(
  [t.type({ eventId: Id, status: t.keyof({ applied: null, duplicate: null, rejected: null }, "FulfilmentStatus") }), t.partial({ problem: t.UnknownRecord })],
  "FulfilmentResult",
);
export const FulfilmentResults = t.type({ results: upTo(FulfilmentResult, MAX_FULFILMENT_EVENTS, "FulfilmentResultList") }, "FulfilmentResults");
export const OrderSummary = t.type(
  { orderId: Id, status: OrderStatus, totalCents: TotalCents, currency: Currency, placedAt: Timestamp },
  "OrderSummary",
);
export const OrderHistory = t.intersection(
  [t.type({ items: upTo(OrderSummary, 100, "OrderSummaries") }), t.partial({ nextCursor: OrdersCursor })],
  "OrderHistory",
);

export const OrderPaymentBody = strict("OrderPaymentBody", { paymentToken: matching("PaymentToken", /^[A-Za-z0-9_-]{1,128}$/, 128) });
/** `status`: what the payment led to. */
export const OrderPaymentResponse = t.intersection([t.type({ orderId: Id }), t.partial({ status: OrderStatus })], "OrderPaymentResponse");
