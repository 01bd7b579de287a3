import { GetCommand, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { idOf, type OrderLine, type StoredEvent } from "../events/index.js";
import { liveViews } from "./generations.js";
import { defaultBatch, type Projection } from "./projection.js";
import type { ViewPorts, ViewsPort } from "./ports.js";
import { eachConcurrently, EventOutOfOrder, foldBatch, idOfKey, keyIn, pkIn, readItems, readView, type ViewKey } from "./stream-view.js";

export type OrderStatus = "placed" | "paid" | "shipped" | "delivered" | "cancelled";

export interface OrderView {
  readonly orderId: string;
  readonly customerId: string;
  readonly lines: readonly OrderLine[];
  readonly itemCount: number;
  readonly totalCents: number;
  readonly currency: string;
  readonly placedAt: string;
  readonly status: OrderStatus;
  readonly paymentFailure?: string;
  readonly cancellation?: { readonly reason: string; readonly by: string };
  /** The order stream's version this view reflects. */
  readonly version: number;
}
type OrderState = Omit<OrderView, "version">;

/** Orders are listed per customer, so a view lives under its customer; later events find it by the owner item. */
const viewKey = (customerId: string, orderId: string): ViewKey => ({ pk: `orders#${customerId}`, sk: `order#${orderId}` });
const ownerKey = (orderId: string): ViewKey => ({ pk: `order#${orderId}`, sk: "owner" });

const evolve = (state: OrderState | undefined, e: StoredEvent): OrderState => {
  if (e.type === "OrderPlaced") {
    const { orderId, customerId, lines, itemCount, totalCents, currency, placedAt } = e.data;
    return { orderId, customerId, lines, itemCount, totalCents, currency, placedAt, status: "placed" };
  }
  if (state === undefined) throw new Error(`${e.type} before OrderPlaced in ${e.streamId}`);
  switch (e.type) {
    case "OrderPaid":
      return { ...state, status: "paid" };
    case "OrderPaymentFailed":
      return { ...state, paymentFailure: e.data.reason };
    case "OrderShipped":
      return { ...state, status: "shipped" };
    case "OrderDelivered":
      return { ...state, status: "delivered" };
    case "OrderCancelled":
      return { ...state, status: "cancelled", cancellation: { reason: e.data.reason, by: e.data.by } };
    default:
      return state;
  }
};

const ownerOf = async (views: ViewsPort, orderId: string): Promise<string | undefined> =>
  (await views.client.send(new GetCommand({ TableName: views.tableName, Key: keyIn(views, ownerKey(orderId)), ConsistentRead: true }))).Item?.customerId as
    | string
    | undefined;

/**
 * A batch per order: owners first (an OrderPlaced of the batch names it, written before the
 * view so a lost view write is retried with the same owner; otherwise it is read), then each
 * order's events folded into its view in one read and one conditional write. An order whose
 * owner is not known yet waits for its OrderPlaced: after the others are written, it fails.
 */
const applyBatch = async (views: ViewsPort, events: readonly StoredEvent[]): Promise<void> => {
  const owners = new Map<string, string>();
  for (const e of events) if (e.type === "OrderPlaced") owners.set(e.data.orderId, e.data.customerId);
  await eachConcurrently([...owners], ([orderId, customerId]) =>
    views.client.send(new PutCommand({ TableName: views.tableName, Item: { ...keyIn(views, ownerKey(orderId)), customerId } })).then(() => undefined),
  );
  const unowned = [...new Set(events.map((e) => idOf(e.streamId)).filter((id) => !owners.has(id)))];
  const stored = await readItems(views, unowned.map(ownerKey));
  for (const orderId of unowned) {
    const customerId = stored.get(idOfKey(ownerKey(orderId)))?.customerId;
    if (customerId !== undefined) owners.set(orderId, String(customerId));
  }
  const owned = events.filter((e) => owners.has(idOf(e.streamId)));
  await foldBatch(views, owned, (e) => viewKey(owners.get(idOf(e.streamId)) ?? "", idOf(e.streamId)), evolve);
  const early = events.find((e) => !owners.has(idOf(e.streamId)));
  if (early !== undefined) throw new EventOutOfOrder(early.streamId, early.version, 0);
};

export const orderHistory: Projection<ViewPorts> = {
  name: "order-history",
  version: 1,
  eventTypes: ["OrderPlaced", "OrderPaid", "OrderPaymentFailed", "OrderShipped", "OrderDelivered", "OrderCancelled"],
  batch: defaultBatch,
  keys: { views: ["orders#", "order#"] },
  apply: (events, { views }) => applyBatch(views, events),
};

const toView = (stored: { state: OrderState; version: number }): OrderView => ({ ...stored.state, version: stored.version });

/** One order, or undefined when it is not (yet) in the view. Whose order it is, the caller checks. */
export const getOrder = async (live: ViewsPort, orderId: string): Promise<OrderView | undefined> => {
  const views = await liveViews(live, orderHistory.name);
  const customerId = await ownerOf(views, orderId);
  if (customerId === undefined) return undefined;
  const stored = await readView<OrderState>(views, viewKey(customerId, orderId));
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
  const views = await liveViews(live, orderHistory.name);
  const pk = pkIn(views, `orders#${customerId}`);
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
    orders: (page.Items ?? []).map((item) => toView(item as { state: OrderState; version: number })),
    ...(last === undefined ? {} : { cursor: last }),
  };
};
