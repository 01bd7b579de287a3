import { PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { isLeft } from "fp-ts/lib/Either.js";
import * as t from "io-ts";
import { describeErrors, idOf, OrderLine, ShipmentLine, ShippingAddress } from "../events/index.js";
import { viewProjection, type EventIn } from "./builder.js";
import { orderEventTypes, type OrderEventType } from "./order-events.js";
import type { ViewsPort } from "./ports.js";
import { eachConcurrently, idOfKey, keyIn, pkIn, readItem, readItems, type StoredView, type ViewKey } from "./stream-view.js";

const OrderStatus = t.keyof({ placed: null, paid: null, "partially-shipped": null, shipped: null, delivered: null, cancelled: null });
export type OrderStatus = t.TypeOf<typeof OrderStatus>;

const Shipment = t.intersection([
  t.type({ shipmentId: t.string, carrier: t.string, trackingNumber: t.string, lines: t.readonlyArray(ShipmentLine), shippedAt: t.string }),
  t.partial({ deliveredAt: t.string }),
]);
const ShipmentIssue = t.type({ shipmentId: t.union([t.string, t.null]), note: t.string, at: t.string });
/** The view keeps the latest exceptions only, so a chatty carrier cannot grow it without bound. */
const MAX_EXCEPTIONS = 20;

const OrderState = t.intersection([
  t.type({
    orderId: t.string,
    customerId: t.string,
    lines: t.readonlyArray(OrderLine),
    itemCount: t.number,
    totalCents: t.number,
    currency: t.string,
    placedAt: t.string,
    status: OrderStatus,
    shippingAddress: t.union([ShippingAddress, t.null]),
    shipments: t.readonlyArray(Shipment),
    exceptions: t.readonlyArray(ShipmentIssue),
  }),
  t.partial({ paymentFailure: t.string, cancellation: t.type({ reason: t.string, by: t.string }) }),
]);
type OrderState = t.TypeOf<typeof OrderState>;

export type OrderView = OrderState & {
  /** The order stream's version this view reflects. */
  readonly version: number;
};

/** Orders are listed per customer, so a view lives under its customer; later events find it by the owner item. */
const ownerKey = (orderId: string): ViewKey => ({ pk: `order#${orderId}`, sk: "owner" });
const viewSk = (orderId: string) => `order#${orderId}`;

const OwnerItem = t.type({ customerId: t.string });
const customerOf = (item: Record<string, unknown> | undefined): string | undefined => {
  if (item === undefined) return undefined;
  const decoded = OwnerItem.decode(item);
  if (isLeft(decoded)) throw new Error(`stored owner ${String(item.pk)} does not decode: ${describeErrors(decoded.left)}`);
  return decoded.right.customerId;
};

const ownerOf = async (views: ViewsPort, orderId: string): Promise<string | undefined> => customerOf(await readItem(views, ownerKey(orderId)));

type OrderEvent = EventIn<OrderEventType>;

/**
 * Each order's customer, for a batch: an OrderPlaced of the batch names it and is written as
 * the owner item before the view, so a lost view write is retried with the same owner;
 * otherwise the owner item is read. An order whose owner is not known yet waits for its
 * OrderPlaced.
 */
const ownersOf = async (views: ViewsPort, events: readonly OrderEvent[]): Promise<Map<string, string>> => {
  const owners = new Map<string, string>();
  for (const e of events) if (e.type === "OrderPlaced") owners.set(e.data.orderId, e.data.customerId);
  await eachConcurrently([...owners], ([orderId, customerId]) =>
    views.client.send(new PutCommand({ TableName: views.tableName, Item: { ...keyIn(views, ownerKey(orderId)), customerId } })).then(() => undefined),
  );
  const unowned = [...new Set(events.map((e) => idOf(e.streamId)).filter((id) => !owners.has(id)))];
  const stored = await readItems(views, unowned.map(ownerKey));
  for (const orderId of unowned) {
    const customerId = customerOf(stored.get(idOfKey(ownerKey(orderId))));
    if (customerId !== undefined) owners.set(orderId, customerId);
  }
  return owners;
};

const placed = (state: OrderState | undefined, e: OrderEvent): OrderState => {
  if (state === undefined) throw new Error(`${e.type} before OrderPlaced in ${e.streamId}`);
  return state;
};
const moved = (status: OrderStatus) => (state: OrderState | undefined, e: OrderEvent): OrderState => ({ ...placed(state, e), status });

export const orderHistory = viewProjection({
  name: "order-history",
  // 2: shipping address, shipments and exceptions.
  version: 2,
  keyPrefix: "orders#",
  lookupPrefixes: ["order#"],
  eventTypes: orderEventTypes,
  state: OrderState,
  locate: ownersOf,
  viewOf: (e, owners) => {
    const orderId = idOf(e.streamId);
    const customerId = owners.get(orderId);
    return customerId === undefined ? undefined : { id: customerId, sk: viewSk(orderId) };
  },
  evolve: {
    OrderPlaced: (_, e): OrderState => {
      const { orderId, customerId, lines, itemCount, totalCents, currency, placedAt, shippingAddress } = e.data;
      return { orderId, customerId, lines, itemCount, totalCents, currency, placedAt, shippingAddress, status: "placed", shipments: [], exceptions: [] };
    },
    OrderPaid: moved("paid"),
    OrderPaymentFailed: (state, e) => ({ ...placed(state, e), paymentFailure: e.data.reason }),
    ShipmentDispatched: (state, e): OrderState => {
      const { shipmentId, carrier, trackingNumber, lines, shippedAt } = e.data;
      const o = placed(state, e);
      return { ...o, status: "partially-shipped", shipments: [...o.shipments, { shipmentId, carrier, trackingNumber, lines, shippedAt }] };
    },
    ShipmentDelivered: (state, e): OrderState => {
      const o = placed(state, e);
      return { ...o, shipments: o.shipments.map((s) => (s.shipmentId === e.data.shipmentId ? { ...s, deliveredAt: e.data.deliveredAt } : s)) };
    },
    ShipmentException: (state, e): OrderState => {
      const o = placed(state, e);
      const { shipmentId, note, at } = e.data;
      return { ...o, exceptions: [...o.exceptions, { shipmentId, note, at }].slice(-MAX_EXCEPTIONS) };
    },
    OrderShipped: moved("shipped"),
    OrderDelivered: moved("delivered"),
    OrderCancelled: (state, e): OrderState => ({ ...placed(state, e), status: "cancelled", cancellation: { reason: e.data.reason, by: e.data.by } }),
  },
});

const toView = (stored: StoredView<OrderState>): OrderView => ({ ...stored.state, version: stored.version });

/** One order, or undefined when it is not (yet) in the view. Whose order it is, the caller checks. */
export const getOrder = async (live: ViewsPort, orderId: string): Promise<OrderView | undefined> => {
  const views = await orderHistory.live(live);
  const customerId = await ownerOf(views, orderId);
  if (customerId === undefined) return undefined;
  const stored = await orderHistory.read(views, { id: customerId, sk: viewSk(orderId) });
  return stored === undefined ? undefined : toView(stored);
};

export interface OrderPage {
  readonly orders: readonly OrderView[];
  /** Pass it back to get the next page; absent on the last one. */
  readonly cursor?: string;
}

/** A customer's orders, newest first (order ids are ULIDs, so the key order is time order). */
export const listOrders = async (
  live: ViewsPort,
  customerId: string,
  options: { readonly limit?: number; readonly cursor?: string } = {},
): Promise<OrderPage> => {
  const views = await orderHistory.live(live);
  const pk = pkIn(views, orderHistory.keyOf({ id: customerId }).pk);
  const page = await views.client.send(
    new QueryCommand({
      TableName: views.tableName,
      KeyConditionExpression: "pk = :pk",
      ExpressionAttributeValues: { ":pk": pk },
      ScanIndexForward: false,
      Limit: options.limit ?? 50,
      ...(options.cursor === undefined ? {} : { ExclusiveStartKey: { pk, sk: options.cursor } }),
    }),
  );
  const last = page.LastEvaluatedKey?.sk as string | undefined;
  return {
    orders: (page.Items ?? []).map((item) => toView(orderHistory.decode(item))),
    ...(last === undefined ? {} : { cursor: last }),
  };
};
