import { isLeft } from "fp-ts/lib/Either.js";
import * as t from "io-ts";
import { aggregateOf, describeErrors, idOf, type ShippingAddress, type StoredEvent } from "../events/index.js";
import { FulfilmentLineV1, ShippingAddressV1, type FulfilmentCancelledV1, type FulfilmentRequestedV1 } from "./fulfilment-contract.js";
import type { QueueMessage, QueuePorts } from "./message-queue.js";
import type { ViewPorts, ViewsPort } from "./ports.js";
import { orderEventTypes } from "./order-events.js";
import { defaultBatch, type Projection } from "./projection.js";
import { eachConcurrently, EventOutOfOrder, groupByView, idOfKey, planFold, readItems, writePlan, type Folded, type FoldPlan, type StoredView, type ViewKey } from "./stream-view.js";

/**
 * Where an order is as far as fulfilment goes: `placed` (what to ship kept until it is paid),
 * `requested` (FulfilmentRequested sent), `shipped` (too late to cancel), `closed` (cancelled or
 * delivered: nothing more to send). Only a placed order keeps its lines and address.
 */
const Stage = t.keyof({ placed: null, requested: null, shipped: null, closed: null });
const Placed = t.type({ lines: t.array(FulfilmentLineV1), shippingAddress: t.union([ShippingAddressV1, t.null]), placedAt: t.string });
const FulfilmentState = t.intersection([t.type({ stage: Stage }), t.partial({ placed: Placed })]);
type FulfilmentState = t.TypeOf<typeof FulfilmentState>;

const StoredState = t.type({ version: t.number, streamId: t.string, updatedAt: t.string, state: FulfilmentState });

const key = (orderId: string): ViewKey => ({ pk: `fulfilment#${orderId}`, sk: "request" });

const decodeStored = (item: Record<string, unknown> | undefined): StoredView<FulfilmentState> | undefined => {
  if (item === undefined) return undefined;
  const decoded = StoredState.decode(item);
  if (isLeft(decoded)) throw new Error(`stored fulfilment view ${String(item.pk)} does not decode: ${describeErrors(decoded.left)}`);
  return decoded.right;
};

/** The address as the contract has it: the fields it names, none else (an order placed before addresses has none: null). */
const addressOf = (address: ShippingAddress | null): ShippingAddressV1 | null => {
  if (address === null) return null;
  const { name, line1, line2, city, postalCode, region, country, phone } = address;
  return { name, line1, ...(line2 === undefined ? {} : { line2 }), city, postalCode, ...(region === undefined ? {} : { region }), country, ...(phone === undefined ? {} : { phone }) };
};

/** Pure: the stage after an event. */
const evolve = (state: FulfilmentState | undefined, e: StoredEvent): FulfilmentState => {
  const stage = state?.stage ?? "closed";
  switch (e.type) {
    case "OrderPlaced":
      return {
        stage: "placed",
        placed: {
          lines: e.data.lines.map(({ bookId, title, quantity }) => ({ bookId, title, quantity })),
          shippingAddress: addressOf(e.data.shippingAddress),
          placedAt: e.data.placedAt,
        },
      };
    case "OrderPaid":
      return stage === "placed" ? { stage: "requested" } : { stage };
    // A parcel has left: too late to cancel what the warehouse does. (An exception report is not a
    // shipment: the warehouse may still be working on the order, and must hear of a cancellation.)
    case "ShipmentDispatched":
    case "ShipmentDelivered":
    case "OrderShipped":
      return stage === "requested" ? { stage: "shipped" } : { stage };
    case "OrderCancelled":
    case "OrderDelivered":
      return { stage: "closed" };
    default:
      return state ?? { stage };
  }
};

const message = (orderId: string, e: StoredEvent, body: FulfilmentRequestedV1 | FulfilmentCancelledV1): QueueMessage => ({
  groupId: orderId,
  deduplicationId: e.eventId,
  body: JSON.stringify(body),
});

/** What a step of an order's view sends: a request when it is paid, a cancellation when a requested order is cancelled. */
const messagesOf = ({ event: e, before, after }: Folded<FulfilmentState>): QueueMessage[] => {
  const orderId = idOf(e.streamId);
  if (e.type === "OrderPaid" && before?.stage === "placed" && before.placed !== undefined && after.stage === "requested") {
    const { lines, shippingAddress, placedAt } = before.placed;
    return [message(orderId, e, { type: "FulfilmentRequested", version: 1, messageId: e.eventId, orderId, lines, shippingAddress, placedAt, paidAt: e.occurredAt })];
  }
  if (e.type === "OrderCancelled" && before?.stage === "requested") {
    return [message(orderId, e, { type: "FulfilmentCancelled", version: 1, messageId: e.eventId, orderId, cancelledAt: e.occurredAt, reason: e.data.reason })];
  }
  return [];
};

type Planned = { key: ViewKey; events: StoredEvent[]; plan: FoldPlan<FulfilmentState> };

const planAll = async (views: ViewsPort, groups: readonly { key: ViewKey; events: StoredEvent[] }[]): Promise<Planned[]> => {
  const stored = await readItems(views, groups.map((g) => g.key));
  return groups.map((g) => ({ ...g, plan: planFold(decodeStored(stored.get(idOfKey(g.key))), g.events, evolve) }));
};

/**
 * The fulfilment outbox: sends `FulfilmentRequested` to the fulfilment queue when an order is
 * paid, and `FulfilmentCancelled` when a requested order is cancelled before any parcel of it
 * was dispatched.
 *
 * Per order it keeps a view (`fulfilment#<orderId>`) of its stage and, until it is paid, what to
 * ship: the OrderPlaced's lines and address, which the OrderPaid's message needs. A batch reads
 * the views, sends what follows on from them in one go, then writes each view conditional on
 * the version it read. Sending comes before the write, so nothing is lost: a crash in between,
 * or two deliveries racing, send a message again, with the same deduplication id (the event's
 * id), which the FIFO queue drops within its 5-minute window. A batch delivered again finds its
 * events at or below the stored version and sends nothing. Messages are grouped by order, so one
 * order's messages arrive in the order sent. Replays (the CLI's queue sends nothing) and rebuilds
 * (refused) never ask for an old order to be shipped again.
 */
export const fulfilmentRequests: Projection<ViewPorts & QueuePorts> = {
  name: "fulfilment-requests",
  version: 1,
  // Every order event, not just those that send: the view follows the stream without gaps.
  eventTypes: orderEventTypes,
  batch: defaultBatch,
  stores: ["queue"],
  queues: ["fulfilment"],
  keys: { views: ["fulfilment#"] },
  apply: async (events, { views, queues }) => {
    let pending = groupByView(
      events.filter((e) => aggregateOf(e.streamId) === "order"),
      (e) => key(idOf(e.streamId)),
    );
    let early: EventOutOfOrder | undefined;
    while (pending.length > 0) {
      const plans = await planAll(views, pending);
      await queues.fulfilment.send(plans.flatMap((p) => p.plan.folded.flatMap(messagesOf)));
      const raced: typeof pending = [];
      await eachConcurrently(plans, async (p) => {
        // Another delivery wrote the view first: plan that order again from where it is now.
        if (!(await writePlan(views, p.key, p.plan))) raced.push(p);
        else if (p.plan.early !== undefined) early ??= new EventOutOfOrder(p.plan.early.streamId, p.plan.early.version, p.plan.version);
      });
      pending = raced;
    }
    if (early !== undefined) throw early;
  },
};
