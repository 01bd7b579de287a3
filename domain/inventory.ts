import * as t from "io-ts";
import { left, right, type Either } from "fp-ts/lib/Either.js";
import { absurd } from "fp-ts/lib/function.js";
import { Map as PersistentMap } from "immutable";
import { availableIn, event, Id, Int, stockMovement, type EventOf, streams } from "../events/index.js";
import type { Decider } from "./decider.js";
import { errors, type DomainError } from "./errors.js";
import { strict } from "./strict.js";
import { isBlank } from "./validation.js";
import { defineAggregate, persistentMap } from "./aggregate.js";

export const ReceiveStock = strict({ type: t.literal("ReceiveStock"), bookId: Id, quantity: Int });
export const ReserveStock = strict({ type: t.literal("ReserveStock"), bookId: Id, orderId: Id, quantity: Int });
export const CommitReservation = strict({ type: t.literal("CommitReservation"), bookId: Id, orderId: Id });
export const ReleaseReservation = strict({ type: t.literal("ReleaseReservation"), bookId: Id, orderId: Id });
export const AdjustStock = strict({ type: t.literal("AdjustStock"), bookId: Id, delta: Int, reason: t.string });
/** Internal: a paid order cancelled before shipping puts its copies back; the order knows how many. */
export const ReturnStock = strict({ type: t.literal("ReturnStock"), bookId: Id, orderId: Id, quantity: Int });
export const InventoryCommand = t.union([ReceiveStock, ReserveStock, CommitReservation, ReleaseReservation, ReturnStock, AdjustStock]);
export type InventoryCommand = t.TypeOf<typeof InventoryCommand>;

export type InventoryEvent = EventOf<
  "StockReceived" | "StockReserved" | "ReservationCommitted" | "ReservationReleased" | "StockReturned" | "StockAdjusted"
>;

/**
 * `reserved` is the sum of `open`. Open reservations are held per order so that commit and
 * release act on exactly what that order took. Committed (paid) orders are not kept here:
 * the state would grow with every sale a bestseller ever made, and its snapshot with it. A
 * paid order that is cancelled knows its own lines and returns them with `ReturnStock`; the
 * order's own state machine (cancelled once, in the same transaction) keeps that to once.
 *
 * The maps are persistent (structural sharing): a bestseller's stream folds thousands of
 * orders, and copying a native Map on every event made that fold quadratic.
 */
export interface InventoryState {
  readonly onHand: number;
  readonly reserved: number;
  readonly open: PersistentMap<string, number>;
}

export const available = (s: InventoryState): number => availableIn(s);

const initialState: InventoryState = { onHand: 0, reserved: 0, open: PersistentMap() };

/** The levels move by the one stock arithmetic (`stockMovement`); the open reservations are this fold's own. */
const evolve = (s: InventoryState, e: InventoryEvent): InventoryState => {
  const moved = stockMovement(e);
  const levels = { ...s, onHand: s.onHand + moved.onHand, reserved: s.reserved + moved.reserved };
  switch (e.type) {
    case "StockReserved":
      return { ...levels, open: s.open.set(e.data.orderId, e.data.quantity) };
    case "ReservationCommitted":
    case "ReservationReleased":
      return { ...levels, open: s.open.delete(e.data.orderId) };
    case "StockReceived":
    case "StockReturned":
    case "StockAdjusted":
      return levels;
    default:
      return absurd(e);
  }
};

const positive = (quantity: number): DomainError | undefined =>
  Number.isSafeInteger(quantity) && quantity >= 1 ? undefined : errors.invalidQuantity(quantity, 1, Number.MAX_SAFE_INTEGER);

const reserve = (cmd: t.TypeOf<typeof ReserveStock>, s: InventoryState): Either<DomainError, InventoryEvent[]> => {
  const invalid = positive(cmd.quantity);
  if (invalid) return left(invalid);
  const held = s.open.get(cmd.orderId);
  // The same reservation asked for again (a retried checkout) is already in place.
  if (held === cmd.quantity) return right([]);
  if (held !== undefined) return left(errors.reservationConflict(cmd.bookId, cmd.orderId));
  if (cmd.quantity > available(s)) {
    return left(errors.insufficientStock([{ bookId: cmd.bookId, requested: cmd.quantity, available: available(s) }]));
  }
  return right([event("StockReserved", { bookId: cmd.bookId, orderId: cmd.orderId, quantity: cmd.quantity })]);
};

/** Only an open reservation can be committed; the order commits once, when it is paid. */
const commit = (cmd: t.TypeOf<typeof CommitReservation>, s: InventoryState): Either<DomainError, InventoryEvent[]> => {
  const held = s.open.get(cmd.orderId);
  if (held === undefined) return left(errors.reservationNotFound(cmd.bookId, cmd.orderId));
  return right([event("ReservationCommitted", { bookId: cmd.bookId, orderId: cmd.orderId, quantity: held })]);
};

/** Releasing is safe to repeat: an order with nothing held here has nothing to give back. */
const release = (cmd: t.TypeOf<typeof ReleaseReservation>, s: InventoryState): Either<DomainError, InventoryEvent[]> => {
  const held = s.open.get(cmd.orderId);
  return right(held === undefined ? [] : [event("ReservationReleased", { bookId: cmd.bookId, orderId: cmd.orderId, quantity: held })]);
};

const adjust = (cmd: t.TypeOf<typeof AdjustStock>, s: InventoryState): Either<DomainError, InventoryEvent[]> => {
  if (cmd.delta === 0) return left(errors.invalidAdjustment(cmd.delta));
  if (isBlank(cmd.reason)) return left(errors.missingReason());
  if (available(s) + cmd.delta < 0) return left(errors.stockBelowReserved(available(s), cmd.delta));
  return right([event("StockAdjusted", { bookId: cmd.bookId, delta: cmd.delta, reason: cmd.reason.trim() })]);
};

const decide = (cmd: InventoryCommand, s: InventoryState): Either<DomainError, InventoryEvent[]> => {
  switch (cmd.type) {
    case "ReceiveStock": {
      const invalid = positive(cmd.quantity);
      return invalid ? left(invalid) : right([event("StockReceived", { bookId: cmd.bookId, quantity: cmd.quantity })]);
    }
    case "ReserveStock":
      return reserve(cmd, s);
    case "CommitReservation":
      return commit(cmd, s);
    case "ReleaseReservation":
      return release(cmd, s);
    case "ReturnStock": {
      const invalid = positive(cmd.quantity);
      if (invalid) return left(invalid);
      // Copies of an order still only reserved here are not on their way back: release them instead.
      if (s.open.has(cmd.orderId)) return left(errors.reservationConflict(cmd.bookId, cmd.orderId));
      return right([event("StockReturned", { bookId: cmd.bookId, orderId: cmd.orderId, quantity: cmd.quantity })]);
    }
    case "AdjustStock":
      return adjust(cmd, s);
    default:
      return absurd(cmd);
  }
};

export const inventoryDecider: Decider<InventoryCommand, InventoryState, InventoryEvent, DomainError> = {
  initialState,
  evolve,
  decide,
};

const InventorySnapshot: t.Type<InventoryState, unknown, unknown> = t.readonly(
  t.type({ onHand: t.number, reserved: t.number, open: persistentMap(t.number) }),
);

export const inventoryAggregate = defineAggregate<InventoryState>("inventory", streams.inventory, inventoryDecider, {
  schema: "inventory/2",
  codec: InventorySnapshot,
});
