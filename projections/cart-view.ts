import * as t from "io-ts";
import { idOf } from "../events/index.js";
import { viewProjection } from "./builder.js";
import type { ViewsPort } from "./ports.js";

const CartViewLine = t.type({ bookId: t.string, title: t.string, quantity: t.number, unitPriceCents: t.number, currency: t.string });
export type CartViewLine = t.TypeOf<typeof CartViewLine>;
const CartState = t.type({ lines: t.readonlyArray(CartViewLine) });
type CartState = t.TypeOf<typeof CartState>;

export interface CartView {
  readonly customerId: string;
  readonly lines: readonly (CartViewLine & { readonly lineTotalCents: number })[];
  readonly totalCents: number;
  /** Absent while the cart is empty. */
  readonly currency?: string;
  /** The cart stream's version this view reflects; 0 for a customer without a cart. */
  readonly version: number;
}

const emptied = (): CartState => ({ lines: [] });

export const cartView = viewProjection({
  name: "cart-view",
  version: 1,
  keyPrefix: "cart#",
  eventTypes: ["CartItemAdded", "CartItemQuantityChanged", "CartItemRemoved", "CartCleared", "CartCheckedOut"],
  state: CartState,
  viewOf: (e) => ({ id: idOf(e.streamId) }),
  evolve: {
    CartItemAdded: (state, e) => {
      const lines = state?.lines ?? [];
      const { bookId, title, quantity, unitPriceCents, currency } = e.data;
      const existing = lines.find((l) => l.bookId === bookId);
      return existing === undefined
        ? { lines: [...lines, { bookId, title, quantity, unitPriceCents, currency }] }
        : { lines: lines.map((l) => (l.bookId === bookId ? { ...l, quantity: l.quantity + quantity, unitPriceCents } : l)) };
    },
    CartItemQuantityChanged: (state, e) => ({ lines: (state?.lines ?? []).map((l) => (l.bookId === e.data.bookId ? { ...l, quantity: e.data.quantity } : l)) }),
    CartItemRemoved: (state, e) => ({ lines: (state?.lines ?? []).filter((l) => l.bookId !== e.data.bookId) }),
    CartCleared: emptied,
    CartCheckedOut: emptied,
  },
});

export const getCart = async (live: ViewsPort, customerId: string): Promise<CartView> => {
  const stored = await cartView.read(live, { id: customerId });
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
