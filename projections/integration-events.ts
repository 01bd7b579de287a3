import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { isLeft } from "fp-ts/lib/Either.js";
import * as t from "io-ts";
import { describeErrors, type StoredEvent, type StreamId } from "../events/index.js";
import type { IntegrationBus, IntegrationEvent, IntegrationPorts } from "./integration-bus.js";
import { IntegrationDetailCodec, orderIntegrationEvent, stockLow } from "./integration-contract.js";
import type { ViewPorts, ViewsPort } from "./ports.js";
import { defaultBatch, type Projection } from "./projection.js";
import { orderEventTypes } from "./order-events.js";
import { availableOf, foldStock, isStockEvent, stockEventTypes, type FoldedStock, type StockLayout, type StockTotal } from "./stock.js";
import { eachConcurrently, EventOutOfOrder, groupByView, idOfKey, keyIn, planFold, readItems, writePlan, type Folded, type StoredView, type ViewKey } from "./stream-view.js";

/** Per stream: how far it has been published (a marker, its state empty). */
type Published = Record<string, never>;

const key = (streamId: string): ViewKey => ({ pk: `integration#${streamId}`, sk: "published" });

/**
 * A book's stock, which StockLow is derived from, at the marker of its inventory stream (where
 * it was kept when that stream was the book's only source); an order's reservations have a
 * marker of their own.
 */
const stock: StockLayout = {
  totalKey: (bookId) => key(`inventory#${bookId}`),
  sourceKey: (source: StreamId) => key(source),
};

const planAll = async (views: ViewsPort, groups: readonly { key: ViewKey; events: StoredEvent[] }[]) => {
  const stored = await readItems(views, groups.map((g) => g.key));
  return groups.map((g) => ({ ...g, plan: planFold(stored.get(idOfKey(g.key)) as StoredView<Published> | undefined, g.events, () => ({})) }));
};

const published = ({ event }: Folded<Published>): IntegrationEvent[] => {
  const e = orderIntegrationEvent(event);
  return e === undefined ? [] : [e];
};

/** Each order stream's events in version order, published before its marker moves past them. */
const publishOrders = async (views: ViewsPort, bus: IntegrationBus, events: readonly StoredEvent[]): Promise<void> => {
  let pending = groupByView(events, (e) => key(e.streamId));
  let early: EventOutOfOrder | undefined;
  while (pending.length > 0) {
    const plans = await planAll(views, pending);
    await bus.publish(plans.flatMap((p) => p.plan.folded.flatMap(published)));
    const raced: typeof pending = [];
    await eachConcurrently(plans, async (p) => {
      // Another delivery moved the marker first: plan that stream again from where it is now.
      if (!(await writePlan(views, p.key, p.plan))) raced.push(p);
      else if (p.plan.early !== undefined) early ??= new EventOutOfOrder(p.plan.early.streamId, p.plan.early.version, p.plan.version);
    });
    pending = raced;
  }
  if (early !== undefined) throw early;
};

const OutboxEvent = t.type({ source: t.string, detailType: t.string, time: t.string, detail: IntegrationDetailCodec });
const Outbox = t.array(OutboxEvent);

const outboxOf = (total: StockTotal): IntegrationEvent[] => {
  const { outbox } = total.attributes;
  if (outbox === undefined) return [];
  const decoded = Outbox.decode(outbox);
  if (isLeft(decoded)) throw new Error(`the StockLow outbox of ${total.bookId} does not decode: ${describeErrors(decoded.left)}`);
  return decoded.right;
};

/**
 * StockLow is derived from a step of the book's total, so it is published only once that step
 * is written: it goes into the total as an outbox in the same write, is published, then taken
 * out. Published before, a step that then lost a race to another source's would publish a
 * crossing that the total never made (the other step may have crossed instead, with an id of
 * its own). A crash before the outbox is emptied leaves it for the next reader of the book,
 * which publishes it again, with the same ids.
 */
const publishOutboxes = async (views: ViewsPort, bus: IntegrationBus, totals: readonly StockTotal[]): Promise<void> => {
  const full = totals.filter((total) => outboxOf(total).length > 0);
  if (full.length === 0) return;
  await bus.publish(full.flatMap(outboxOf));
  await eachConcurrently(full, async (total) => {
    try {
      await views.client.send(
        new UpdateCommand({
          TableName: views.tableName,
          Key: keyIn(views, stock.totalKey(total.bookId)),
          UpdateExpression: "REMOVE outbox",
          ConditionExpression: "revision = :at",
          ExpressionAttributeValues: { ":at": total.revision },
        }),
      );
    } catch (e) {
      // The total moved on: its writer read this outbox, and published it, before replacing it.
      if (!(e instanceof ConditionalCheckFailedException)) throw e;
    }
  });
};

/** On the way down only: each further sale while low would otherwise publish again. */
const crossings = (threshold: number) => (bookId: string, folded: readonly FoldedStock[]) => {
  const low = folded.flatMap(({ event, before, after }) =>
    availableOf(before) >= threshold && availableOf(after) < threshold ? [stockLow(event, bookId, availableOf(after), threshold)] : [],
  );
  return low.length === 0 ? {} : { outbox: low };
};

/**
 * Publishes `OrderPlaced`, `OrderPaid`, `OrderCancelled`, `OrderShipped` and `OrderDelivered`
 * (one per parcel), `ShipmentException` and `StockLow` integration events.
 *
 * Per order stream it keeps a marker of the version published up to: a batch reads the
 * markers, publishes what follows on from them in one go (PutEvents batches of 10), then moves
 * each marker with a write conditional on the version it read. Publishing comes before the
 * marker, so nothing is lost: a crash in between, or a delivery racing another, publishes some
 * events twice, with the same `eventId` for consumers to dedupe on. One stream's events are
 * published in version order (an early one waits, like the views), but EventBridge does not keep
 * order on delivery: consumers order one subject's events by `streamVersion`.
 *
 * Per book it keeps the stock total (see `foldStock`), summed over the book's inventory stream
 * and the orders' reservations, and publishes StockLow when a step of that total takes the
 * available copies below the threshold (see `publishOutboxes`), named after the event that did.
 */
export const integrationEvents: Projection<ViewPorts & IntegrationPorts> = {
  name: "integration-events",
  // Still 1: the markers and totals written before reservations moved read as they are, and
  // this projection publishes, so it is never rebuilt.
  version: 1,
  // Every order event, not just the published ones, so the marker moves on without gaps.
  eventTypes: [...orderEventTypes, ...stockEventTypes],
  batch: defaultBatch,
  stores: ["bus"],
  apply: async (events, { views, integration: { bus, stockLowThreshold } }) => {
    const outboxes = (totals: readonly StockTotal[]) => publishOutboxes(views, bus, totals);
    const done = await Promise.allSettled([
      publishOrders(views, bus, events.filter((e) => !isStockEvent(e))),
      foldStock(views, events, stock, { annotate: crossings(stockLowThreshold), read: outboxes, written: outboxes }),
    ]);
    for (const d of done) if (d.status === "rejected") throw d.reason;
  },
};
