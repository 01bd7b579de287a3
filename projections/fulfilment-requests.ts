import { isLeft } from "fp-ts/lib/Either.js";
import * as t from "io-ts";
import pLimit from "p-limit";
import { aggregateOf, describeErrors, idOf, type ShippingAddress, type StoredEvent } from "../events/index.js";
import { FulfilmentLineV1, ShippingAddressV1, type FulfilmentCancelledV1, type FulfilmentRequestedV1 } from "./fulfilment-contract.js";
import type { QueueMessage, QueuePorts } from "./message-queue.js";
import type { ViewPorts, ViewsPort } from "./ports.js";
import { orderEventTypes } from "./order-events.js";
import { defaultBatch, type Projection } from "./projection.js";
import { CONCURRENT_VIEWS, EventOutOfOrder, groupByView, idOfKey, keyIn, planFold, readItems, writePlans, type Folded, type FoldPlan, type StoredView, type ViewKey } from "./stream-view.js";

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

/**
 * The views this process wrote last, by table and key: a warm projector plans most batches
 * without reading them again. Only what a write succeeded with is kept, and versions only grow,
 * so a kept view is never ahead of the stored one; it can be behind when another process wrote
 * the view since. Planned from a view that is behind, a batch sends what that process already
 * sent (with the same deduplication ids, so the FIFO queue drops them within its window), and
 * its conditional write fails, so it plans again from what is stored; an apparent gap is read
 * again before it is believed.
 */
const recentViews = new Map<string, StoredView<FulfilmentState>>();
const RECENT_VIEWS_KEPT = 10_000;
const recentId = (views: ViewsPort, key: ViewKey) => `${views.tableName}\u0000${idOfKey(keyIn(views, key))}`;
const remember = (views: ViewsPort, key: ViewKey, view: StoredView<FulfilmentState> | undefined) => {
  const id = recentId(views, key);
  recentViews.delete(id);
  if (view === undefined) return;
  recentViews.set(id, view);
  // A Map iterates in insertion order: the first key is the one written longest ago.
  if (recentViews.size > RECENT_VIEWS_KEPT) recentViews.delete(recentViews.keys().next().value ?? id);
};

const planAll = async (views: ViewsPort, groups: readonly { key: ViewKey; events: StoredEvent[] }[]): Promise<Planned[]> => {
  const fromMemory = groups.map((g) => ({ g, kept: recentViews.get(recentId(views, g.key)) }));
  const planned = fromMemory.map(({ g, kept }) => (kept === undefined ? undefined : { ...g, plan: planFold(kept, g.events, evolve) }));
  const toRead = groups.filter((_, i) => planned[i] === undefined || planned[i].plan.early !== undefined);
  const stored = toRead.length === 0 ? new Map<string, Record<string, unknown>>() : await readItems(views, toRead.map((g) => g.key));
  return groups.map((g, i) => {
    const p = planned[i];
    return p !== undefined && p.plan.early === undefined ? p : { ...g, plan: planFold(decodeStored(stored.get(idOfKey(g.key))), g.events, evolve) };
  });
};

/** The view a successful write of a plan leaves stored. */
const viewAfter = (p: Planned): StoredView<FulfilmentState> | undefined => {
  const last = p.plan.folded.at(-1)?.event;
  return last === undefined || p.plan.state === undefined ? undefined : { version: p.plan.version, streamId: last.streamId, updatedAt: last.occurredAt, state: p.plan.state };
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
    const limit = pLimit(CONCURRENT_VIEWS);
    while (pending.length > 0) {
      const plans = await planAll(views, pending);
      const raced: typeof pending = [];
      const writes: Promise<void>[] = [];
      // A view is written once every message it sends is on the queue, while the rest are still
      // being sent: sending never waits for writing, and nothing is written before it is sent.
      const write = (written: readonly Planned[]) => {
        if (written.length === 0) return;
        writes.push(
          limit(async () => {
            const lost = new Set(await writePlans(views, written));
            for (const p of written) {
              if (lost.has(p)) {
                // Another delivery wrote the view first: plan that order again from where it is now.
                remember(views, p.key, undefined);
                raced.push(p);
                continue;
              }
              remember(views, p.key, viewAfter(p));
              if (p.plan.early !== undefined) early ??= new EventOutOfOrder(p.plan.early.streamId, p.plan.early.version, p.plan.version);
            }
          }),
        );
      };
      const unsent = new Map<string, { plan: Planned; messages: number }>();
      const silent: Planned[] = [];
      const messages = plans.flatMap((p) => {
        const sends = p.plan.folded.flatMap(messagesOf);
        const orderId = sends[0]?.groupId;
        if (orderId === undefined) silent.push(p);
        else unsent.set(orderId, { plan: p, messages: sends.length });
        return sends;
      });
      write(silent);
      const sent = await queues.fulfilment
        .send(messages, (acknowledged) => {
          const complete: Planned[] = [];
          for (const m of acknowledged) {
            const order = unsent.get(m.groupId);
            if (order !== undefined && --order.messages === 0) complete.push(order.plan);
          }
          write(complete);
        })
        .then(
          () => undefined,
          (e: unknown) => ({ failure: e }),
        );
      const written = await Promise.allSettled(writes);
      if (sent !== undefined) throw sent.failure;
      const failed = written.find((w) => w.status === "rejected");
      if (failed !== undefined) throw failed.reason;
      pending = raced;
    }
    if (early !== undefined) throw early;
  },
};
