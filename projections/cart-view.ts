import { idOf, type StoredEvent } from "../events/index.js";
import { liveViews } from "./generations.js";
import { defaultBatch, type Projection } from "./projection.js";
import type { ViewPorts, ViewsPort } from "./ports.js";
import { foldBatch, readView, type ViewKey } from "./stream-view.js";

export interface CartViewLine {
  readonly bookId: string;
  readonly title: string;
  readonly quantity: number;
  readonly unitPriceCents: number;
  readonly currency: string;
}
interface CartState {
  readonly lines: readonly CartViewLine[];
}

export interface CartView {
  readonly customerId: string;
  readonly lines: readonly (CartViewLine & { readonly lineTotalCents: number })[];
  readonly totalCents: number;
  /** Absent while the cart is empty. */
  readonly currency?: string;
  /** The cart stream's version this view reflects; 0 for a customer without a cart. */
  readonly version: number;
}

const key = (customerId: string): ViewKey => ({ pk: `cart#${customerId}`, sk: "view" });

const evolve = (state: CartState | undefined, e: StoredEvent): CartState => {
  const lines = state?.lines ?? [];
  switch (e.type) {
    case "CartItemAdded": {
      const { bookId, title, quantity, unitPriceCents, currency } = e.data;
      const existing = lines.find((l) => l.bookId === bookId);
      return existing === undefined
        ? { lines: [...lines, { bookId, title, quantity, unitPriceCents, currency }] }
        : { lines: lines.map((l) => (l.bookId === bookId ? { ...l, quantity: l.quantity + quantity, unitPriceCents } : l)) };
    }
    case "CartItemQuantityChanged":
      return { lines: lines.map((l) => (l.bookId === e.data.bookId ? { ...l, quantity: e.data.quantity } : l)) };
    case "CartItemRemoved":
      return { lines: lines.filter((l) => l.bookId !== e.data.bookId) };
    case "CartCleared":
    case "CartCheckedOut":
      return { lines: [] };
    default:
      return { lines };
  }
};

export const cartView: Projection<ViewPorts> = {
  name: "cart-view",
  version: 1,
  eventTypes: ["CartItemAdded", "CartItemQuantityChanged", "CartItemRemoved", "CartCleared", "CartCheckedOut"],
  batch: defaultBatch,
  keys: { views: ["cart#"] },
  apply: (events, { views }) => foldBatch(views, events, (e) => key(idOf(e.streamId)), evolve),
};

export const getCart = async (live: ViewsPort, customerId: string): Promise<CartView> => {
  const views = await liveViews(live, cartView.name);
  const stored = await readView<CartState>(views, key(customerId));
  const lines = (stored?.state.lines ?? []).map((l) => ({ ...l, lineTotalCents: l.quantity * l.unitPriceCents }));
  const currency = lines[0]?.currency;
  return {
    customerId,
    lines,
    totalCents: lines.reduce((sum, l) => sum + l.lineTotalCents, 0),
    ...(currency === undefined ? {} : { currency }),
    version: stored?.version ?? 0,
  };
};
