import { aggregateOf, idOf, type StoredEvent } from "../events/index.js";
import type { IntegrationEvent, IntegrationPorts } from "./integration-bus.js";
import { orderIntegrationEvent, stockLow } from "./integration-contract.js";
import { evolveInventory, inventoryView, type InventoryLevels } from "./inventory-view.js";
import type { ViewPorts, ViewsPort } from "./ports.js";
import { defaultBatch, type Projection } from "./projection.js";
import { eachConcurrently, EventOutOfOrder, groupByView, idOfKey, planFold, readItems, writePlan, type Folded, type StoredView, type ViewKey } from "./stream-view.js";

/** Per stream: how far it has been published; for inventory also the levels StockLow is derived from. */
type Published = InventoryLevels | Record<string, never>;

const key = (e: StoredEvent): ViewKey => ({ pk: `integration#${e.streamId}`, sk: "published" });

const evolve = (state: Published | undefined, e: StoredEvent): Published =>
  aggregateOf(e.streamId) === "inventory" ? evolveInventory(state as InventoryLevels | undefined, e) : {};

const available = (levels: Published | undefined): number =>
  levels !== undefined && "onHand" in levels ? levels.onHand - levels.reserved : 0;

const derive = (threshold: number) => ({ event, before, after }: Folded<Published>): IntegrationEvent[] => {
  if (aggregateOf(event.streamId) !== "inventory") {
    const published = orderIntegrationEvent(event);
    return published === undefined ? [] : [published];
  }
  // On the way down only: each further sale while low would otherwise publish again.
  const [was, is] = [available(before), available(after)];
  return was >= threshold && is < threshold ? [stockLow(event, idOf(event.streamId), is, threshold)] : [];
};

const planAll = async (views: ViewsPort, groups: readonly { key: ViewKey; events: StoredEvent[] }[]) => {
  const stored = await readItems(views, groups.map((g) => g.key));
  return groups.map((g) => ({ ...g, plan: planFold(stored.get(idOfKey(g.key)) as StoredView<Published> | undefined, g.events, evolve) }));
};

/**
 * Publishes `OrderPlaced`, `OrderPaid`, `OrderCancelled` and `StockLow` integration events.
 * Per stream it keeps a marker of the version published up to (and, for inventory, the stock
 * levels, so StockLow costs no extra read of the inventory stream): a batch reads the markers,
 * publishes what follows on from them in one go (PutEvents batches of 10), then moves each
 * marker with a write conditional on the version it read.
 *
 * Publishing comes before the marker, so nothing is lost: a crash in between, or a delivery
 * racing another, publishes some events twice, with the same `eventId` for consumers to dedupe
 * on. One stream's events are published in version order (an early one waits, like the views),
 * but EventBridge does not keep order on delivery: consumers order one subject's events by
 * `streamVersion`.
 */
export const integrationEvents: Projection<ViewPorts & IntegrationPorts> = {
  name: "integration-events",
  version: 1,
  // Every order event, not just the published ones, so the marker moves on without gaps.
  eventTypes: ["OrderPlaced", "OrderPaid", "OrderPaymentFailed", "OrderShipped", "OrderDelivered", "OrderCancelled", ...inventoryView.eventTypes],
  batch: defaultBatch,
  stores: ["bus"],
  apply: async (events, { views, integration }) => {
    const toEvents = derive(integration.stockLowThreshold);
    let pending = groupByView(events, key);
    let early: EventOutOfOrder | undefined;
    while (pending.length > 0) {
      const plans = await planAll(views, pending);
      await integration.bus.publish(plans.flatMap((p) => p.plan.folded.flatMap(toEvents)));
      const raced: typeof pending = [];
      await eachConcurrently(plans, async (p) => {
        // Another delivery moved the marker first: plan that stream again from where it is now.
        if (!(await writePlan(views, p.key, p.plan))) raced.push(p);
        else if (p.plan.early !== undefined) early ??= new EventOutOfOrder(p.plan.early.streamId, p.plan.early.version, p.plan.version);
      });
      pending = raced;
    }
    if (early !== undefined) throw early;
  },
};
