import type { StreamId } from "../events/index.js";
import { liveViews } from "./generations.js";
import { defaultBatch, type Projection } from "./projection.js";
import type { ViewPorts, ViewsPort } from "./ports.js";
import { availableOf, foldStock, readStockTotal, stockEventTypes, type StockLayout, type StockLevels } from "./stock.js";

export interface InventoryView extends StockLevels {
  readonly bookId: string;
  readonly available: number;
  /** The version of the book's inventory stream this view reflects; 0 for a book never stocked. */
  readonly version: number;
}

/**
 * A book's levels at `inventory#<bookId>`; an order's reservations are followed at
 * `inventory#reservation#<orderId>` (a stream id holds a `#`, a book id never does).
 */
const layout: StockLayout = {
  totalKey: (bookId) => ({ pk: `inventory#${bookId}`, sk: "view" }),
  sourceKey: (source: StreamId) => ({ pk: `inventory#${source}`, sk: "source" }),
};

export const inventoryView: Projection<ViewPorts> = {
  name: "inventory-view",
  // 2: a book's levels are summed over its inventory stream and every order's reservations.
  version: 2,
  eventTypes: stockEventTypes,
  batch: defaultBatch,
  keys: { views: ["inventory#"] },
  apply: (events, { views }) => foldStock(views, events, layout),
};

export const getInventory = async (live: ViewsPort, bookId: string): Promise<InventoryView> => {
  const views = await liveViews(live, inventoryView.name);
  const { levels, version } = await readStockTotal(views, layout, bookId);
  return { bookId, onHand: levels.onHand, reserved: levels.reserved, available: availableOf(levels), version };
};
