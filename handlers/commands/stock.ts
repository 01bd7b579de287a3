import { type Either, isLeft, left, right } from "fp-ts/lib/Either.js";
import * as t from "io-ts";
import { Map as PersistentMap } from "immutable";
import { errors } from "../../domain/errors.js";
import { AdjustStock, inventoryDecider, ReceiveStock, type InventoryState } from "../../domain/inventory.js";
import { availableIn, type DomainEvent, stockMovement } from "../../events/index.js";
import type { CounterChange, CounterValues, StoredItemDecodeError } from "../../store/index.js";
import { aggregates } from "./aggregates.js";
import type { CommandDeps } from "./deps.js";
import { load } from "./load.js";
import { change } from "./run-command.js";
import type { CommandSlice, StreamResult } from "./slice.js";

/**
 * A book's stock counter: one item (`stock#<bookId>`) holding `available`, the copies not
 * reserved, changed in the same transaction as every stock event of that book that changes it,
 * wherever the event is stored. It is the sum of those events' movements at every moment, so it
 * is what stock decisions read, and its guard (`available` may not go below zero) is checked by
 * DynamoDB when the transaction commits: reservations of one book commute, and none can oversell.
 *
 * It holds `available` alone, not `onHand` and `reserved`: every stock decision is about
 * `available`, and a paid order's commit moves `onHand` and `reserved` together, leaving
 * `available` as it was, so committing writes no counter. The hot book's counter is then written
 * once per checkout (its reservation); the read models keep `onHand` and `reserved`.
 */
export const stockCounterKey = (bookId: string): string => `stock#${bookId}`;

/** What the deciders take: the counter knows `available` only, which is all they decide on (available = onHand - reserved). */
const levelsOf = (v: CounterValues | undefined): InventoryState => ({
  onHand: v?.available ?? 0,
  reserved: 0,
  // The counter keeps no per-order detail: reservations are decided on the levels alone.
  open: PersistentMap(),
});

/** The stock levels of one book for a reader: its counter, or (never made yet) its inventory stream's fold; writes nothing. */
export const readStockLevels = async (
  deps: Pick<CommandDeps, "store" | "snapshots" | "snapshotEvery">,
  bookId: string,
): Promise<Either<StoredItemDecodeError, InventoryState>> => {
  const found = (await deps.store.readCounters([stockCounterKey(bookId)])).get(stockCounterKey(bookId));
  if (found !== undefined) return right(levelsOf(found));
  const history = await fromHistory(deps, bookId);
  return isLeft(history) ? history : right(levelsOf(history.right));
};

/** A counter's first values, from a book's inventory stream: until its counter was made, every stock event of the book was there. */
const fromHistory = async (
  deps: Pick<CommandDeps, "store" | "snapshots" | "snapshotEvery">,
  bookId: string,
): Promise<Either<StoredItemDecodeError, CounterValues>> => {
  const history = await load(deps, aggregates.inventory, bookId);
  return isLeft(history) ? history : right({ available: availableIn(history.right.state) });
};

/**
 * The stock levels of the given books, from their counters. A book whose counter was never made
 * (stocked before counters existed, or never stocked) gets one now, from its inventory stream:
 * until then every one of its stock events was on that stream.
 */
export const stockLevels = async (
  deps: Pick<CommandDeps, "store" | "snapshots" | "snapshotEvery">,
  bookIds: readonly string[],
): Promise<Either<StoredItemDecodeError, Map<string, InventoryState>>> => {
  const counters = await deps.store.readCounters(bookIds.map(stockCounterKey));
  const out = new Map<string, InventoryState>();
  for (const bookId of bookIds) {
    const found = counters.get(stockCounterKey(bookId));
    if (found !== undefined) {
      out.set(bookId, levelsOf(found));
      continue;
    }
    const first = await fromHistory(deps, bookId);
    if (isLeft(first)) return first;
    if (await deps.store.createCounter(stockCounterKey(bookId), first.right)) out.set(bookId, levelsOf(first.right));
    else out.set(bookId, levelsOf((await deps.store.readCounters([stockCounterKey(bookId)])).get(stockCounterKey(bookId))));
  }
  return right(out);
};

/**
 * The counter changes that go with some stock events: per book, the sum of their movements of
 * `available`, guarded wherever they take from it (a reservation, a count written down). Events
 * that leave `available` as it is (a commit) change no counter.
 */
export const stockCounterChanges = (events: readonly DomainEvent[]): CounterChange[] => {
  const byBook = new Map<string, number>();
  for (const e of events) {
    if (
      e.type !== "StockReceived" &&
      e.type !== "StockReserved" &&
      e.type !== "ReservationCommitted" &&
      e.type !== "ReservationReleased" &&
      e.type !== "StockReturned" &&
      e.type !== "StockAdjusted"
    )
      continue;
    const m = stockMovement(e);
    byBook.set(e.data.bookId, (byBook.get(e.data.bookId) ?? 0) + availableIn(m));
  }
  return [...byBook]
    .filter(([, available]) => available !== 0)
    .map(([bookId, available]) => ({
      key: stockCounterKey(bookId),
      add: { available },
      ...(available < 0 ? { atLeast: { available: -available } } : {}),
    }));
};

const StockCommand = t.union([ReceiveStock, AdjustStock]);

/**
 * Stock received or written down, for a book the catalogue knows: the book's inventory stream
 * and its stock counter, in one transaction. The stream's own fold is no longer the whole stock
 * (reservations live with their orders): the counter is what the decider reads.
 */
export const stockSlice: CommandSlice<t.TypeOf<typeof StockCommand>> = {
  codec: StockCommand,
  types: ["ReceiveStock", "AdjustStock"],
  handle: ({ deps, runner }, command, meta) =>
    runner.run(meta, async () => {
      const book = await load(deps, aggregates.book, command.bookId);
      if (isLeft(book)) return book;
      if (book.right.state === null) return left(errors.bookNotFound(command.bookId));
      const [stream, levels] = await Promise.all([load(deps, aggregates.inventory, command.bookId), stockLevels(deps, [command.bookId])]);
      if (isLeft(stream)) return stream;
      if (isLeft(levels)) return levels;
      const events = inventoryDecider.decide(command, levels.right.get(command.bookId)!);
      if (isLeft(events)) return events;
      return right({
        changes: [change(stream.right, events.right)],
        counters: stockCounterChanges(events.right),
        result: { streamId: stream.right.streamId, version: stream.right.version + events.right.length } satisfies StreamResult,
      });
    }),
};
