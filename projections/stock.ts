import { ConditionalCheckFailedException, TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { PutCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { isLeft } from "fp-ts/lib/Either.js";
import * as t from "io-ts";
import { aggregateOf, availableIn, describeErrors, idOf, stockEventTypes, stockMovement, streams, type EventOf, type StoredEvent, type StreamId } from "../events/index.js";
import type { ViewsPort } from "./ports.js";
import { eachConcurrently, EventOutOfOrder, idOfKey, keyIn, readItems, type ViewKey } from "./stream-view.js";

/**
 * A book's stock, summed over every stream that holds its stock events: its own inventory
 * stream (receipts and adjustments, and before reservations moved, every stock event) and the
 * reservation stream of each order that names it. The inventory view, the search index's stock
 * and the StockLow integration event all fold it here.
 */

export { stockEventTypes };
export type StockEventType = (typeof stockEventTypes)[number];
export type StockEvent = StoredEvent & EventOf<StockEventType>;

export const isStockEvent = (e: StoredEvent): e is StockEvent => (stockEventTypes as readonly string[]).includes(e.type);

export interface StockLevels {
  readonly onHand: number;
  readonly reserved: number;
}

export const noStock: StockLevels = { onHand: 0, reserved: 0 };

/** Copies one can order now. */
export const availableOf = (levels: StockLevels): number => availableIn(levels);

/** What one stock event does to a book's levels, by the one definition the command side's counters use too. */
export const evolveStock = ({ onHand, reserved }: StockLevels, e: StockEvent): StockLevels => {
  const moved = stockMovement(e);
  return { onHand: onHand + moved.onHand, reserved: reserved + moved.reserved };
};

/** A book's stock as a read model stores it. */
export interface StockTotal {
  readonly bookId: string;
  readonly levels: StockLevels;
  /** The version of the book's own inventory stream folded in: what a receipt's answer is compared with. */
  readonly version: number;
  /** Stock events folded in from every source; grows with each write, so it orders the total's states. */
  readonly revision: number;
  /** The newest `occurredAt` folded in (the newest, not the last: sources arrive in any order). */
  readonly updatedAt?: string;
  /** What the projection stored beside the levels (see `StockHooks.annotate`). */
  readonly attributes: Readonly<Record<string, unknown>>;
  /** Whether the stored item carries `revision`: items written before it was kept do not. */
  readonly revised: boolean;
}

/** Where a projection keeps the fold, as generation 0 names it; both must lie under the projection's `keys`. */
export interface StockLayout {
  /** A book's total. It also records how far the book's own inventory stream has been folded. */
  readonly totalKey: (bookId: string) => ViewKey;
  /** How far another source stream (an order's reservations) has been folded. */
  readonly sourceKey: (source: StreamId) => ViewKey;
}

/** One event as a step folded it into its book's total. */
export interface FoldedStock {
  readonly event: StockEvent;
  readonly bookId: string;
  readonly before: StockLevels;
  readonly after: StockLevels;
}

export interface StockHooks {
  /**
   * Attributes written with a book's total, made from the events the step folded into it; they
   * replace whatever the projection stored there before (an outbox, say).
   */
  readonly annotate?: (bookId: string, folded: readonly FoldedStock[]) => Readonly<Record<string, unknown>>;
  /** The stored totals, each time they are read and before a step is planned on them. */
  readonly read?: (totals: readonly StockTotal[]) => Promise<void>;
  /** The totals a step wrote, once they are written. */
  readonly written?: (totals: readonly StockTotal[]) => Promise<void>;
}

const Levels = t.type({ onHand: t.number, reserved: t.number });
// The search projection's first shape kept only the available copies. Read as that many on hand
// and none reserved: every event changes available by the same amount either way.
const AvailableOnly = t.type({ available: t.number });
const StoredTotalItem = t.intersection([
  t.type({ version: t.number, state: t.union([Levels, AvailableOnly]) }),
  t.partial({ revision: t.number, updatedAt: t.string }),
]);
const StoredProgressItem = t.type({ version: t.number });

const decode = <A>(codec: t.Decoder<unknown, A>, item: Record<string, unknown>, what: string): A => {
  const decoded = codec.decode(item);
  if (isLeft(decoded)) throw new Error(`stored ${what} ${String(item.pk)}/${String(item.sk)} does not decode: ${describeErrors(decoded.left)}`);
  return decoded.right;
};

const totalOf = (bookId: string, item: Record<string, unknown> | undefined): StockTotal | undefined => {
  if (item === undefined) return undefined;
  const { version, state, revision, updatedAt } = decode(StoredTotalItem, item, "stock total");
  const { pk: _pk, sk: _sk, streamId: _s, version: _v, state: _st, revision: _r, updatedAt: _u, ...attributes } = item;
  return {
    bookId,
    levels: "onHand" in state ? { onHand: state.onHand, reserved: state.reserved } : { onHand: state.available, reserved: 0 },
    version,
    // Before revisions were kept, the inventory stream was a book's only source, so its version
    // counted the events folded: continuing from it keeps the count (and the search document's
    // version) growing.
    revision: revision ?? version,
    ...(updatedAt === undefined ? {} : { updatedAt }),
    attributes,
    revised: revision !== undefined,
  };
};

const emptyTotal = (bookId: string): StockTotal => ({ bookId, levels: noStock, version: 0, revision: 0, attributes: {}, revised: false });

/** A book's total from its stored item (already read, say with other items), or an empty one when there is none. */
export const stockTotalOf = (bookId: string, item: Record<string, unknown> | undefined): StockTotal => totalOf(bookId, item) ?? emptyTotal(bookId);

/** A book's total as stored, or an empty one for a book without stock events. */
export const readStockTotal = async (views: ViewsPort, layout: StockLayout, bookId: string): Promise<StockTotal> => {
  const key = layout.totalKey(bookId);
  const item = (await readItems(views, [key])).get(idOfKey(key));
  return totalOf(bookId, item) ?? emptyTotal(bookId);
};

/**
 * One source stream's events of a batch, in version order. A book's inventory stream keeps its
 * progress on the book's total (so a receipt is one write and the view's version is that
 * stream's); any other source has a progress item of its own.
 */
interface Source {
  readonly streamId: StreamId;
  readonly events: readonly StockEvent[];
  /** The book whose total holds this source's progress, if it is that book's inventory stream. */
  readonly ownBook?: string;
  /** Every book its events name, and its own book. */
  readonly books: ReadonlySet<string>;
}

const sourcesOf = (events: readonly StockEvent[]): Source[] => {
  const bySource = new Map<string, StockEvent[]>();
  for (const e of events) {
    const of = bySource.get(e.streamId);
    if (of === undefined) bySource.set(e.streamId, [e]);
    else of.push(e);
  }
  return [...bySource.values()].map((es) => {
    const streamId = es[0]!.streamId;
    const ownBook = aggregateOf(streamId) === "inventory" ? idOf(streamId) : undefined;
    const books = new Set(es.map((e) => e.data.bookId));
    if (ownBook !== undefined) books.add(ownBook);
    return { streamId, events: [...es].sort((a, b) => a.version - b.version), books, ...(ownBook === undefined ? {} : { ownBook }) };
  });
};

/** Sources that share no book are independent; those that do must be written one after another. */
const independentGroups = (sources: readonly Source[]): Source[][] => {
  const parent = new Map<string, string>();
  const find = (b: string): string => {
    let root = b;
    while (parent.get(root) !== undefined && parent.get(root) !== root) root = parent.get(root)!;
    parent.set(b, root);
    return root;
  };
  for (const s of sources) {
    const [first, ...rest] = [...s.books];
    if (first === undefined) continue;
    if (!parent.has(first)) parent.set(first, first);
    for (const b of rest) {
      if (!parent.has(b)) parent.set(b, b);
      parent.set(find(b), find(first));
    }
  }
  const groups = new Map<string, Source[]>();
  for (const s of sources) {
    const root = find([...s.books][0]!);
    const group = groups.get(root);
    if (group === undefined) groups.set(root, [s]);
    else group.push(s);
  }
  return [...groups.values()];
};

/** What has been folded so far, by source and by book, as last read or written. */
interface Folds {
  readonly progress: Map<string, number>;
  readonly totals: Map<string, StockTotal>;
}

const readFolds = async (views: ViewsPort, layout: StockLayout, sources: readonly Source[]): Promise<Folds> => {
  const books = [...new Set(sources.flatMap((s) => [...s.books]))];
  const others = sources.filter((s) => s.ownBook === undefined);
  const stored = await readItems(views, [...books.map(layout.totalKey), ...others.map((s) => layout.sourceKey(s.streamId))]);
  const progress = new Map<string, number>();
  for (const s of others) {
    const item = stored.get(idOfKey(layout.sourceKey(s.streamId)));
    progress.set(s.streamId, item === undefined ? 0 : decode(StoredProgressItem, item, "source progress").version);
  }
  const totals = new Map<string, StockTotal>();
  for (const b of books) {
    const total = totalOf(b, stored.get(idOfKey(layout.totalKey(b))));
    if (total !== undefined) totals.set(b, total);
  }
  return { progress, totals };
};

const progressOf = (folds: Folds, s: Source): number =>
  s.ownBook === undefined ? (folds.progress.get(s.streamId) ?? 0) : (folds.totals.get(s.ownBook)?.version ?? 0);

/** A source's events that follow on from its progress, and the first past a gap, if any. */
const nextOf = (folds: Folds, s: Source): { readonly at: number; readonly next: StockEvent[]; readonly early?: StockEvent } => {
  const at = progressOf(folds, s);
  let version = at;
  const next: StockEvent[] = [];
  for (const e of s.events) {
    if (e.version <= version) continue; // a repeat
    if (e.version !== version + 1) return { at, next, early: e };
    next.push(e);
    version = e.version;
  }
  return { at, next };
};

/** DynamoDB's limit of items in one transaction. */
const MAX_TRANSACTION_ITEMS = 100;

interface Step {
  readonly sources: readonly { readonly source: Source; readonly at: number; readonly next: readonly StockEvent[] }[];
  readonly books: ReadonlySet<string>;
}

/** The totals folding `next` writes: the books its events name, and the one whose total holds the source's progress. */
const booksOf = (source: Source, next: readonly StockEvent[]): string[] => [...next.map((e) => e.data.bookId), ...(source.ownBook === undefined ? [] : [source.ownBook])];

const itemsOf = (sources: Step["sources"], books: ReadonlySet<string>): number =>
  books.size + sources.filter((s) => s.source.ownBook === undefined).length;

/** Events of several sources in one sequence: by event id (append order), each source's kept in version order. */
const interleave = (sequences: readonly (readonly StockEvent[])[]): StockEvent[] => {
  const at = sequences.map(() => 0);
  const out: StockEvent[] = [];
  for (;;) {
    let pick = -1;
    sequences.forEach((seq, i) => {
      const e = seq[at[i]!];
      if (e !== undefined && (pick === -1 || e.eventId < sequences[pick]![at[pick]!]!.eventId)) pick = i;
    });
    if (pick === -1) return out;
    out.push(sequences[pick]![at[pick]!]!);
    at[pick]! += 1;
  }
};

const newer = (a: string | undefined, b: string): string => (a !== undefined && Date.parse(a) >= Date.parse(b) ? a : b);

interface Planned {
  readonly totals: StockTotal[];
  /** Per total, the revision it was read at (undefined: the stored item has no revision). */
  readonly readAt: Map<string, number | undefined>;
  readonly progress: { readonly source: Source; readonly at: number; readonly version: number; readonly last: StockEvent }[];
}

const planStep = (folds: Folds, step: Step, annotate: StockHooks["annotate"]): Planned => {
  const totals = new Map<string, StockTotal>();
  const readAt = new Map<string, number | undefined>();
  for (const b of step.books) {
    const stored = folds.totals.get(b);
    totals.set(b, stored ?? emptyTotal(b));
    readAt.set(b, stored?.revised ? stored.revision : undefined);
  }
  const folded = new Map<string, FoldedStock[]>();
  for (const e of interleave(step.sources.map((s) => s.next))) {
    const bookId = e.data.bookId;
    const total = totals.get(bookId)!;
    const after = evolveStock(total.levels, e);
    totals.set(bookId, { ...total, levels: after, revision: total.revision + 1, updatedAt: newer(total.updatedAt, e.occurredAt) });
    const of = folded.get(bookId);
    const step = { event: e, bookId, before: total.levels, after };
    if (of === undefined) folded.set(bookId, [step]);
    else of.push(step);
  }
  const progress: Planned["progress"][number][] = [];
  for (const { source, at, next } of step.sources) {
    const last = next.at(-1)!;
    if (source.ownBook === undefined) progress.push({ source, at, version: last.version, last });
    else totals.set(source.ownBook, { ...totals.get(source.ownBook)!, version: last.version });
  }
  const annotated = [...totals.values()].map((total) => ({
    ...total,
    attributes: annotate?.(total.bookId, folded.get(total.bookId) ?? []) ?? {},
    revised: true,
  }));
  return { totals: annotated, readAt, progress };
};

type Put = { TableName: string; Item: Record<string, unknown>; ConditionExpression: string; ExpressionAttributeValues?: Record<string, unknown> };

const putsOf = (views: ViewsPort, layout: StockLayout, planned: Planned): Put[] => {
  const TableName = views.tableName;
  const totals = planned.totals.map((total): Put => {
    const at = planned.readAt.get(total.bookId);
    return {
      TableName,
      Item: {
        ...total.attributes,
        ...keyIn(views, layout.totalKey(total.bookId)),
        streamId: streams.inventory(total.bookId),
        version: total.version,
        revision: total.revision,
        ...(total.updatedAt === undefined ? {} : { updatedAt: total.updatedAt }),
        state: total.levels,
      },
      // The revision changes with every write, whichever source it folds: this is what makes
      // two writers of one book's total, with different sources, refuse each other.
      ...(at === undefined ? { ConditionExpression: "attribute_not_exists(revision)" } : { ConditionExpression: "revision = :at", ExpressionAttributeValues: { ":at": at } }),
    };
  });
  const progress = planned.progress.map(
    ({ source, at, version, last }): Put => ({
      TableName,
      Item: { ...keyIn(views, layout.sourceKey(source.streamId)), streamId: source.streamId, version, updatedAt: last.occurredAt },
      ...(at === 0 ? { ConditionExpression: "attribute_not_exists(pk)" } : { ConditionExpression: "version = :at", ExpressionAttributeValues: { ":at": at } }),
    }),
  );
  return [...progress, ...totals];
};

/**
 * Writes a step's items at once, each conditional on what was read.
 * @returns false when another writer moved one of them first (or DynamoDB cancelled the
 * transaction for one overlapping it): read again
 */
const writeStep = async (views: ViewsPort, puts: readonly Put[]): Promise<boolean> => {
  try {
    if (puts.length === 1) {
      // One item is atomic on its own, at half the write capacity of a transaction.
      await views.client.send(new PutCommand(puts[0]!));
    } else {
      await views.client.send(new TransactWriteCommand({ TransactItems: puts.map((Put) => ({ Put })) }));
    }
    return true;
  } catch (e) {
    if (e instanceof ConditionalCheckFailedException) return false;
    if (e instanceof TransactionCanceledException && (e.CancellationReasons ?? []).some((r) => r.Code === "ConditionalCheckFailed" || r.Code === "TransactionConflict"))
      return false;
    throw e;
  }
};

/** Rounds of reading again after a lost race before the batch fails (and is retried by its mapping). */
const MAX_ROUNDS = 50;

const pause = (round: number) => new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(200, 5 * 2 ** round)));

/**
 * Takes from the front of `queue` as many sources as one transaction holds. Sources with
 * nothing new take no room; the events past a gap are returned, to fail once the step is written.
 */
const takeStep = (folds: Folds, queue: Source[]): { step: Step; taken: Source[]; early: EventOutOfOrder[] } => {
  let step: Step = { sources: [], books: new Set() };
  const taken: Source[] = [];
  const early: EventOutOfOrder[] = [];
  while (queue.length > 0) {
    const source = queue[0]!;
    const { at, next, early: past } = nextOf(folds, source);
    const grown: Step = next.length === 0 ? step : { sources: [...step.sources, { source, at, next }], books: new Set([...step.books, ...booksOf(source, next)]) };
    if (itemsOf(grown.sources, grown.books) > MAX_TRANSACTION_ITEMS) {
      if (step.sources.length === 0) throw new Error(`${source.streamId} names ${grown.books.size} books: more than one transaction holds`);
      break;
    }
    queue.shift();
    taken.push(source);
    step = grown;
    if (past !== undefined) early.push(new EventOutOfOrder(past.streamId, past.version, at + next.length));
  }
  return { step, taken, early };
};

/**
 * Folds the sources of one group (they share books) until each is written or waits for an
 * event, from `first` (the batch's read) and then from what it reads again after a lost race.
 */
const foldGroup = async (views: ViewsPort, layout: StockLayout, hooks: StockHooks, group: readonly Source[], first: Folds, failures: unknown[]): Promise<void> => {
  let pending = group;
  for (let round = 0; pending.length > 0; round++) {
    if (round === MAX_ROUNDS) throw new Error(`stock of ${[...new Set(pending.flatMap((s) => [...s.books]))].join(", ")}: still racing other writers after ${MAX_ROUNDS} rounds`);
    let folds = first;
    if (round > 0) {
      // Several writers on one hot book: spread their next attempts apart.
      await pause(round);
      folds = await readFolds(views, layout, pending);
      await hooks.read?.([...folds.totals.values()]);
    }
    const queue = [...pending];
    pending = [];
    while (queue.length > 0) {
      // Later steps fold from what this one wrote, without reading again.
      const { step, taken, early } = takeStep(folds, queue);
      if (step.sources.length > 0) {
        const planned = planStep(folds, step, hooks.annotate);
        if (!(await writeStep(views, putsOf(views, layout, planned)))) {
          pending = [...taken, ...queue];
          break;
        }
        for (const p of planned.progress) folds.progress.set(p.source.streamId, p.version);
        for (const total of planned.totals) folds.totals.set(total.bookId, total);
        await hooks.written?.(planned.totals);
      }
      // What came before a gap is written; the event after it waits for its predecessor.
      failures.push(...early);
    }
  }
};

/**
 * Folds a batch's stock events into their books' totals, each source stream's events exactly
 * once and in version order. Sources are grouped by the books they share; groups are written
 * side by side, a group's sources in steps. A step reads the totals and progress it needs, folds
 * every source's events that follow on from its progress (repeats change nothing), and writes
 * the totals and the progress together, each conditional on what it read: the total on its
 * revision, a progress item on its version. Of two invocations folding the same book (each
 * from other orders, or both from the same redelivered one), one loses, reads again and folds
 * what is still new, so every total is exact. An event past a gap in its source fails once
 * what came before it is written, to be retried. Every group is attempted; the first failure
 * is thrown after.
 */
export const foldStock = async (views: ViewsPort, events: readonly StoredEvent[], layout: StockLayout, hooks: StockHooks = {}): Promise<void> => {
  const sources = sourcesOf(events.filter(isStockEvent));
  if (sources.length === 0) return;
  // One read for the whole batch; groups share none of its items, so each folds on from it alone.
  const folds = await readFolds(views, layout, sources);
  await hooks.read?.([...folds.totals.values()]);
  const failures: unknown[] = [];
  await eachConcurrently(independentGroups(sources), async (group) => {
    try {
      await foldGroup(views, layout, hooks, group, folds, failures);
    } catch (e) {
      failures.push(e);
    }
  });
  if (failures.length > 0) throw failures[0];
};
