import { idOf, type StoredEvent } from "../events/index.js";
import { liveViews } from "./generations.js";
import { defaultBatch, type Projection } from "./projection.js";
import type { ViewPorts, ViewsPort } from "./ports.js";
import { foldBatch, readView, type ViewKey } from "./stream-view.js";

export interface InventoryLevels {
  readonly onHand: number;
  readonly reserved: number;
}
export interface InventoryView extends InventoryLevels {
  readonly bookId: string;
  readonly available: number;
  /** The inventory stream's version this view reflects; 0 for a book never stocked. */
  readonly version: number;
}

const key = (bookId: string): ViewKey => ({ pk: `inventory#${bookId}`, sk: "view" });

/** The inventory stream folded into stock levels (also used by the integration events' StockLow). */
export const evolveInventory = (state: InventoryLevels | undefined, e: StoredEvent): InventoryLevels => {
  const { onHand, reserved } = state ?? { onHand: 0, reserved: 0 };
  switch (e.type) {
    case "StockReceived":
    case "StockReturned":
      return { onHand: onHand + e.data.quantity, reserved };
    case "StockReserved":
      return { onHand, reserved: reserved + e.data.quantity };
    case "ReservationCommitted":
      return { onHand: onHand - e.data.quantity, reserved: reserved - e.data.quantity };
    case "ReservationReleased":
      return { onHand, reserved: reserved - e.data.quantity };
    case "StockAdjusted":
      return { onHand: onHand + e.data.delta, reserved };
    default:
      return { onHand, reserved };
  }
};

export const inventoryView: Projection<ViewPorts> = {
  name: "inventory-view",
  version: 1,
  eventTypes: ["StockReceived", "StockReserved", "ReservationCommitted", "ReservationReleased", "StockReturned", "StockAdjusted"],
  batch: defaultBatch,
  keys: { views: ["inventory#"] },
  apply: (events, { views }) => foldBatch(views, events, (e) => key(idOf(e.streamId)), evolveInventory),
};

export const getInventory = async (live: ViewsPort, bookId: string): Promise<InventoryView> => {
  const views = await liveViews(live, inventoryView.name);
  const stored = await readView<InventoryLevels>(views, key(bookId));
  const { onHand, reserved } = stored?.state ?? { onHand: 0, reserved: 0 };
  return { bookId, onHand, reserved, available: onHand - reserved, version: stored?.version ?? 0 };
};
