import * as t from "io-ts";
import { type Either, left, map } from "fp-ts/lib/Either.js";
import { pipe } from "fp-ts/lib/function.js";
import type { Envelope, RawEnvelope } from "./envelope.js";
import { upcastTo, type EventSchema, type UpcastError } from "./upcast.js";
import * as book from "./book-events.js";
import * as inventory from "./inventory-events.js";
import * as cart from "./cart-events.js";
import * as order from "./order-events.js";
import * as payment from "./payment-events.js";
import * as rating from "./rating-events.js";

/**
 * Every event type of the bookstore, keyed by type. Adding an event type is adding it here;
 * the `DomainEvent` union and `decodeEvent` follow from this one list.
 */
export const catalogue = {
  BookAdded: book.BookAdded,
  BookDetailsChanged: book.BookDetailsChanged,
  BookPriceChanged: book.BookPriceChanged,
  BookDiscontinued: book.BookDiscontinued,
  StockReceived: inventory.StockReceived,
  StockReserved: inventory.StockReserved,
  ReservationCommitted: inventory.ReservationCommitted,
  ReservationReleased: inventory.ReservationReleased,
  StockReturned: inventory.StockReturned,
  StockAdjusted: inventory.StockAdjusted,
  CartItemAdded: cart.CartItemAdded,
  CartItemQuantityChanged: cart.CartItemQuantityChanged,
  CartItemRemoved: cart.CartItemRemoved,
  CartCleared: cart.CartCleared,
  CartCheckedOut: cart.CartCheckedOut,
  OrderPlaced: order.OrderPlaced,
  OrderPaid: order.OrderPaid,
  OrderPaymentFailed: order.OrderPaymentFailed,
  ShipmentDispatched: order.ShipmentDispatched,
  ShipmentDelivered: order.ShipmentDelivered,
  ShipmentException: order.ShipmentException,
  OrderShipped: order.OrderShipped,
  OrderDelivered: order.OrderDelivered,
  OrderCancelled: order.OrderCancelled,
  PaymentRequested: payment.PaymentRequested,
  PaymentCaptured: payment.PaymentCaptured,
  PaymentDeclined: payment.PaymentDeclined,
  PaymentAttemptFailed: payment.PaymentAttemptFailed,
  PaymentRefunded: payment.PaymentRefunded,
  BookRated: rating.BookRated,
} as const;

type Catalogue = typeof catalogue;
export type EventType = keyof Catalogue;
type DataOf<K extends EventType> = Catalogue[K] extends EventSchema<K, infer D> ? D : never;

/** An event at its newest schema version: `{ type, data }`, discriminated by `type`. */
export type DomainEvent = { [K in EventType]: { readonly type: K; readonly data: DataOf<K> } }[EventType];
export type EventOf<K extends EventType> = Extract<DomainEvent, { type: K }>;
export type StoredEvent = Envelope<DomainEvent>;

/** Builds an event at its newest schema version; the type argument picks the data shape. */
export const event = <K extends EventType>(type: K, data: DataOf<K>): EventOf<K> => ({ type, data }) as unknown as EventOf<K>;

export const eventTypes = Object.keys(catalogue) as EventType[];
export const isEventType = (s: string): s is EventType => Object.prototype.hasOwnProperty.call(catalogue, s);
export const currentSchemaVersion = (type: EventType): number => catalogue[type].current;

export type EventDecodeError = { readonly kind: "UnknownEventType"; readonly type: string } | UpcastError;

/** Decodes and upcasts the `data` of a stored envelope; never throws. */
export const decodeEvent = (raw: RawEnvelope): Either<EventDecodeError, StoredEvent> => {
  const { type } = raw;
  if (!isEventType(type)) return left({ kind: "UnknownEventType", type });
  const schema = catalogue[type] as EventSchema<EventType, unknown>;
  return pipe(
    upcastTo(schema, raw.schemaVersion, raw.data),
    map((data) => ({ ...raw, type, data }) as StoredEvent),
  );
};

/** One line a human can read, for logs and error messages. */
export const describeDecodeError = (e: EventDecodeError): string => {
  switch (e.kind) {
    case "UnknownEventType":
      return `unknown event type "${e.type}"`;
    case "UnknownSchemaVersion":
      return `${e.type} has no schema version ${e.schemaVersion}`;
    case "InvalidPayload":
      return `${e.type} v${e.schemaVersion}: ${describeErrors(e.errors)}`;
  }
};

export const describeErrors = (errors: t.Errors): string =>
  errors
    .map((err) => {
      const path = err.context.map((c) => c.key).filter((k) => k !== "").join(".");
      return `${path || "(root)"}: ${err.message ?? `expected ${err.context[err.context.length - 1]?.type.name ?? "?"}`}`;
    })
    .join("; ");
