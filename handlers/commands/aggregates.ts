import { Map as PersistentMap } from "immutable";
import * as t from "io-ts";
import { streams, type StreamId } from "../../events/index.js";
import { bookDecider, type BookState } from "../../domain/book.js";
import { cartDecider, type CartState } from "../../domain/cart.js";
import { inventoryDecider, type InventoryState } from "../../domain/inventory.js";
import { orderDecider, type OrderState } from "../../domain/order.js";
import { paymentDecider, type PaymentState } from "../../domain/payment.js";
import { ratingDecider, type RatingState } from "../../domain/rating.js";
import { evolveReservation, initialReservation, type ReservationState } from "../../domain/reservation.js";
import type { DomainEvent } from "../../events/index.js";

/**
 * How to rebuild one aggregate's state: its stream, its fold, and (for streams that grow
 * long) the codec of its snapshot. `schema` changes whenever the state's shape changes, so an
 * old snapshot is ignored rather than trusted.
 */
export interface Aggregate<S> {
  readonly name: string;
  readonly stream: (id: string) => StreamId;
  readonly initialState: S;
  readonly evolve: (state: S, event: DomainEvent) => S;
  readonly snapshot?: { readonly schema: string; readonly codec: t.Type<S, unknown, unknown> };
}

// The deciders' evolve take their own event union; every stream holds only its own events.
const of = <S>(a: { initialState: S; evolve: (s: S, e: never) => S }) => ({
  initialState: a.initialState,
  evolve: a.evolve as (s: S, e: DomainEvent) => S,
});

/** Persistent maps are stored as lists of [key, value] pairs. */
const persistentMap = <V>(value: t.Type<V, unknown, unknown>): t.Type<PersistentMap<string, V>, unknown, unknown> =>
  new t.Type<PersistentMap<string, V>, unknown, unknown>(
    "PersistentMap",
    (u): u is PersistentMap<string, V> => PersistentMap.isMap(u),
    (u, c) => {
      const entries = t.array(t.tuple([t.string, value])).validate(u, c);
      return entries._tag === "Left" ? entries : t.success(PersistentMap(entries.right));
    },
    (m) => [...m.entries()].map(([k, v]) => [k, value.encode(v)]),
  );

const InventorySnapshot: t.Type<InventoryState, unknown, unknown> = t.readonly(
  t.type({ onHand: t.number, reserved: t.number, open: persistentMap(t.number) }),
);

const CartSnapshot: t.Type<CartState, unknown, unknown> = t.readonly(t.type({
  lines: t.readonlyArray(
    t.readonly(t.type({ bookId: t.string, title: t.string, quantity: t.number, unitPriceCents: t.number, currency: t.string })),
  ),
  lastOrderId: t.union([t.string, t.null]),
}));

export const aggregates = {
  book: { name: "book", stream: streams.book, ...of<BookState>(bookDecider) } satisfies Aggregate<BookState>,
  inventory: {
    name: "inventory",
    stream: streams.inventory,
    ...of<InventoryState>(inventoryDecider),
    snapshot: { schema: "inventory/2", codec: InventorySnapshot },
  } satisfies Aggregate<InventoryState>,
  cart: {
    name: "cart",
    stream: streams.cart,
    ...of<CartState>(cartDecider),
    snapshot: { schema: "cart/1", codec: CartSnapshot },
  } satisfies Aggregate<CartState>,
  order: { name: "order", stream: streams.order, ...of<OrderState>(orderDecider) } satisfies Aggregate<OrderState>,
  payment: { name: "payment", stream: streams.payment, ...of<PaymentState>(paymentDecider) } satisfies Aggregate<PaymentState>,
  reservation: {
    name: "reservation",
    stream: streams.reservation,
    ...of<ReservationState>({ initialState: initialReservation, evolve: evolveReservation }),
  } satisfies Aggregate<ReservationState>,
};

export const ratingAggregate = (customerId: string): Aggregate<RatingState> => ({
  name: "rating",
  stream: (bookId) => streams.rating(bookId, customerId),
  ...of<RatingState>(ratingDecider),
});
