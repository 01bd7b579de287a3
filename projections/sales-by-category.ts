import { ConditionalCheckFailedException, TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { aggregateOf, idOf, type OrderLine, type StoredEvent } from "../events/index.js";
import { MAX_TRANSACTION_ITEMS } from "../store/index.js";
import { liveViews } from "./generations.js";
import { defaultBatch, type Projection } from "./projection.js";
import type { ViewPorts, ViewsPort } from "./ports.js";
import { eachConcurrently, EventOutOfOrder, idOfKey, keyIn, pkIn, readItems, type ViewKey } from "./stream-view.js";

/**
 * Daily sales per category and currency: units and revenue of paid orders, counted on the day
 * of payment; a paid order that is cancelled takes its figures back from that same day, so a
 * day shows the sales that stuck. The category is the book's at the moment of payment, from
 * this projection's own lookup (folded from the book events), not from the catalogue.
 */
const bookKey = (bookId: string) => ({ pk: `sales#book#${bookId}`, sk: "category" });
const orderKey = (orderId: string) => ({ pk: `sales#order#${orderId}`, sk: "order" });
const dayPk = (day: string) => `sales#day#${day}`;

interface CountedLine {
  readonly category: string;
  readonly units: number;
  readonly revenueCents: number;
}
interface OrderState {
  readonly version: number;
  readonly currency?: string;
  readonly lines?: readonly Pick<OrderLine, "bookId" | "quantity" | "lineTotalCents">[];
  /** Set while the order counts: the day it was counted on and what was counted. */
  readonly paidDay?: string;
  readonly counted?: readonly CountedLine[];
}

/** A sale that names a book this projection never saw added: retried, and dead-lettered if it stays so. */
export class UnknownBookCategory extends Error {
  constructor(readonly bookIds: readonly string[]) {
    super(`no category known for book(s) ${bookIds.join(", ")}`);
    this.name = "UnknownBookCategory";
  }
}

interface BookCategory {
  readonly category?: string;
  readonly version: number;
}

/** An event of the batch with its place in it: the category an order is paid in is the one its books had at that place. */
interface Placed {
  readonly event: StoredEvent;
  readonly at: number;
}

const categoryOf = (e: StoredEvent): string | undefined => (e.type === "BookAdded" || e.type === "BookDetailsChanged" ? e.data.category : undefined);

/**
 * The books' categories as the batch goes: what is stored, then each book event of the batch
 * from its place on. Per book the last writer by stream version wins; events without a
 * category leave it alone.
 */
const bookCategories = (views: ViewsPort, placed: readonly Placed[]) => {
  const changes = new Map<string, { at: number; category: string; version: number }[]>();
  for (const { event, at } of placed) {
    const category = categoryOf(event);
    if (category === undefined) continue;
    const id = idOf(event.streamId);
    const book = changes.get(id) ?? [];
    book.push({ at, category, version: event.version });
    changes.set(id, book);
  }
  const stored = new Map<string, BookCategory | undefined>();
  const lastBefore = (bookId: string, at: number): BookCategory | undefined => {
    let book = stored.get(bookId);
    for (const c of changes.get(bookId) ?? []) if (c.at < at && c.version > (book?.version ?? 0)) book = c;
    return book;
  };
  return {
    /** Reads the stored categories of these books, once each. */
    load: async (bookIds: Iterable<string>) => {
      const missing = [...new Set(bookIds)].filter((id) => !stored.has(id));
      const items = await readItems(views, missing.map(bookKey));
      for (const id of missing) {
        const item = items.get(idOfKey(bookKey(id)));
        stored.set(id, item === undefined ? undefined : { category: item.category as string | undefined, version: Number(item.version) });
      }
    },
    at: (bookId: string, at: number): string | undefined => lastBefore(bookId, at)?.category,
    /**
     * Writes each book's category as of the place `upTo` (exclusive), after the orders, so an
     * order retried after a failure still sees the categories it was paid in.
     */
    write: (upTo: number) =>
      eachConcurrently([...changes.keys()], async (bookId) => {
        const last = (changes.get(bookId) ?? []).filter((c) => c.at < upTo).reduce<BookCategory | undefined>((a, c) => (c.version > (a?.version ?? 0) ? c : a), undefined);
        if (last === undefined) return;
        try {
          await views.client.send(
            new UpdateCommand({
              TableName: views.tableName,
              Key: keyIn(views, bookKey(bookId)),
              UpdateExpression: "SET category = :c, version = :v",
              ConditionExpression: "attribute_not_exists(version) OR version < :v",
              ExpressionAttributeValues: { ":c": last.category, ":v": last.version },
            }),
          );
        } catch (error) {
          if ((error as { name?: string }).name !== "ConditionalCheckFailedException") throw error;
        }
      }),
  };
};
type Categories = ReturnType<typeof bookCategories>;

/** Units and revenue per category, one entry per category. */
const countLines = (lines: NonNullable<OrderState["lines"]>, categories: Map<string, string>): CountedLine[] => {
  const by = new Map<string, { units: number; revenueCents: number }>();
  for (const l of lines) {
    const category = categories.get(l.bookId) ?? "";
    const sum = by.get(category) ?? { units: 0, revenueCents: 0 };
    by.set(category, { units: sum.units + l.quantity, revenueCents: sum.revenueCents + l.lineTotalCents });
  }
  return [...by].map(([category, s]) => ({ category, ...s }));
};

/** What a day total gains (or gives back): the sum over the orders of one transaction. */
interface DayDelta {
  readonly day: string;
  readonly category: string;
  readonly currency: string;
  units: number;
  revenueCents: number;
}
const deltaId = (d: Pick<DayDelta, "day" | "category" | "currency">) => `${d.day}\u0000${d.category}\u0000${d.currency}`;

/** An order's events of the batch folded onto its stored state, and what they add to the day totals. */
interface OrderPlan {
  readonly key: ViewKey;
  /** The version the order was read at: the write is conditional on it. */
  readonly at: number;
  readonly next: OrderState | undefined;
  readonly deltas: readonly DayDelta[];
  /** The event the fold stopped at (past a gap, or naming a book of no known category), with its place in the batch. */
  readonly failure?: { readonly at: number; readonly error: Error };
}

const planOrder = (key: ViewKey, stored: OrderState | undefined, events: readonly Placed[], categories: Categories): OrderPlan => {
  const at = stored?.version ?? 0;
  let state = stored;
  const deltas: DayDelta[] = [];
  const count = (day: string, currency: string, lines: readonly CountedLine[], sign: 1 | -1) => {
    for (const l of lines) deltas.push({ day, category: l.category, currency, units: sign * l.units, revenueCents: sign * l.revenueCents });
  };
  const plan = (failure?: OrderPlan["failure"]): OrderPlan => ({ key, at, next: state, deltas, ...(failure === undefined ? {} : { failure }) });
  for (const { event: e, at: place } of events) {
    const version = state?.version ?? 0;
    if (e.version <= version) continue;
    if (e.version !== version + 1) return plan({ at: place, error: new EventOutOfOrder(e.streamId, e.version, version) });
    let next: OrderState = { ...state, version: e.version };
    if (e.type === "OrderPlaced") {
      next = { ...next, currency: e.data.currency, lines: e.data.lines.map(({ bookId, quantity, lineTotalCents }) => ({ bookId, quantity, lineTotalCents })) };
    } else if (e.type === "OrderPaid" && state?.paidDay === undefined && state?.lines !== undefined) {
      const known = new Map<string, string>();
      for (const { bookId } of state.lines) {
        const category = categories.at(bookId, place);
        if (category !== undefined) known.set(bookId, category);
      }
      const unknown = [...new Set(state.lines.map((l) => l.bookId).filter((id) => !known.has(id)))];
      if (unknown.length > 0) return plan({ at: place, error: new UnknownBookCategory(unknown) });
      const counted = countLines(state.lines, known);
      const paidDay = e.occurredAt.slice(0, 10);
      next = { ...next, paidDay, counted };
      count(paidDay, state.currency ?? "", counted, 1);
    } else if (e.type === "OrderCancelled" && state?.paidDay !== undefined) {
      const { paidDay: _day, counted: _counted, ...rest } = next;
      next = rest;
      count(state.paidDay, state.currency ?? "", state.counted ?? [], -1);
    }
    state = next;
  }
  return plan();
};

const orderPut = (views: ViewsPort, plan: OrderPlan) => ({
  TableName: views.tableName,
  Item: { ...plan.next, ...keyIn(views, plan.key) },
  ConditionExpression: plan.at === 0 ? "attribute_not_exists(pk)" : "version = :at",
  ...(plan.at === 0 ? {} : { ExpressionAttributeValues: { ":at": plan.at } }),
});

const dayTotal = (views: ViewsPort, d: DayDelta) => ({
  Update: {
    TableName: views.tableName,
    Key: { pk: pkIn(views, dayPk(d.day)), sk: `${d.category}#${d.currency}` },
    UpdateExpression: "ADD units :u, revenueCents :r SET #day = :day, category = :c, currency = :cur",
    ExpressionAttributeNames: { "#day": "day" },
    ExpressionAttributeValues: { ":u": d.units, ":r": d.revenueCents, ":day": d.day, ":c": d.category, ":cur": d.currency },
  },
});

/**
 * Orders that change day totals, packed into transactions of at most `MAX_TRANSACTION_ITEMS`:
 * each order's put and the day totals summed over the transaction's orders. Orders of one
 * batch mostly add to the same few day totals, which one transaction each would make conflict.
 */
const transactionsOf = (plans: readonly OrderPlan[]) => {
  const out: { plans: OrderPlan[]; deltas: Map<string, DayDelta> }[] = [];
  for (const plan of plans) {
    let last = out.at(-1);
    const adds = new Set(plan.deltas.map(deltaId));
    if (last === undefined || last.plans.length + 1 + new Set([...last.deltas.keys(), ...adds]).size > MAX_TRANSACTION_ITEMS) {
      last = { plans: [], deltas: new Map() };
      out.push(last);
    }
    last.plans.push(plan);
    for (const d of plan.deltas) {
      const sum = last.deltas.get(deltaId(d)) ?? { ...d, units: 0, revenueCents: 0 };
      sum.units += d.units;
      sum.revenueCents += d.revenueCents;
      last.deltas.set(deltaId(d), sum);
    }
  }
  return out;
};

/** Why a transaction may be cancelled and then tried again from a fresh read. */
const RETRIED_CANCELLATIONS = new Set(["None", "ConditionalCheckFailed", "TransactionConflict"]);

/**
 * Writes orders' plans, each exactly once: an order's state is put conditional on the version
 * it was read at, in the same transaction as what it adds to the day totals. Orders that add
 * nothing are put on their own, side by side.
 * @returns the orders another delivery wrote first (read them again)
 */
const writeOrders = async (views: ViewsPort, plans: readonly OrderPlan[]): Promise<OrderPlan[]> => {
  const raced: OrderPlan[] = [];
  const counting = plans.filter((p) => p.deltas.length > 0);
  const plain = plans.filter((p) => p.deltas.length === 0 && p.next !== undefined && p.next.version > p.at);
  const puts = eachConcurrently(plain, async (plan) => {
    try {
      await views.client.send(new PutCommand(orderPut(views, plan)));
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      raced.push(plan);
    }
  });
  const transactions = (async () => {
    // One after another: they may add to the same day totals.
    for (const t of transactionsOf(counting)) {
      try {
        await views.client.send(new TransactWriteCommand({ TransactItems: [...t.plans.map((p) => ({ Put: orderPut(views, p) })), ...[...t.deltas.values()].map((d) => dayTotal(views, d))] }));
      } catch (error) {
        const reasons = error instanceof TransactionCanceledException ? (error.CancellationReasons ?? []).map((r) => r.Code ?? "None") : undefined;
        if (reasons === undefined || !reasons.every((r) => RETRIED_CANCELLATIONS.has(r)) || reasons.every((r) => r === "None")) throw error;
        // Another writer held a day total: let it finish before this transaction's orders are read again.
        if (reasons.includes("TransactionConflict")) await new Promise((resolve) => setTimeout(resolve, 10 + Math.random() * 40));
        raced.push(...t.plans);
      }
    }
  })();
  const [p, t] = await Promise.allSettled([puts, transactions]);
  if (p.status === "rejected") throw p.reason;
  if (t.status === "rejected") throw t.reason;
  return raced;
};

/**
 * A batch, exactly once per event: each order's events of the batch are folded onto its stored
 * state (read with the others' in one go) and written at once; a repeat changes nothing, and a
 * delivery that loses a race to another reads that order again. An order's event past a gap,
 * or naming a book of no known category, stops that order there: what precedes it is written,
 * the other orders too, and then it fails.
 */
const applyBatch = async (views: ViewsPort, events: readonly StoredEvent[]): Promise<void> => {
  const placed = events.map((event, at) => ({ event, at }));
  const categories = bookCategories(views, placed);
  const byOrder = new Map<string, Placed[]>();
  for (const p of placed) {
    if (aggregateOf(p.event.streamId) !== "order") continue;
    const id = idOf(p.event.streamId);
    const order = byOrder.get(id) ?? [];
    order.push(p);
    byOrder.set(id, order);
  }
  let pending = [...byOrder].map(([orderId, es]) => ({ key: orderKey(orderId), events: es.sort((a, b) => a.event.version - b.event.version) }));
  const failures: NonNullable<OrderPlan["failure"]>[] = [];
  // An order whose first event is in the batch is taken to be new, unread: its write is
  // conditional on there being none, so if one was written before, it loses as a race and is read.
  let unread = new Set(pending.filter((o) => o.events[0]?.event.version === 1).map((o) => o.key));
  while (pending.length > 0) {
    const stored = await readItems(
      views,
      pending.filter((o) => !unread.has(o.key)).map((o) => o.key),
    );
    unread = new Set();
    const stateOf = (key: ViewKey) => stored.get(idOfKey(key)) as OrderState | undefined;
    await categories.load(
      pending.flatMap((o) =>
        o.events.some((p) => p.event.type === "OrderPaid")
          ? [...(stateOf(o.key)?.lines ?? []), ...o.events.flatMap((p) => (p.event.type === "OrderPlaced" ? p.event.data.lines : []))].map((l) => l.bookId)
          : [],
      ),
    );
    const plans = pending.map((o) => ({ order: o, plan: planOrder(o.key, stateOf(o.key), o.events, categories) }));
    const raced = new Set(await writeOrders(views, plans.map((p) => p.plan)));
    for (const { plan } of plans) if (!raced.has(plan) && plan.failure !== undefined) failures.push(plan.failure);
    pending = plans.filter((p) => raced.has(p.plan)).map((p) => p.order);
  }
  const first = failures.reduce<(typeof failures)[number] | undefined>((a, f) => (a === undefined || f.at < a.at ? f : a), undefined);
  await categories.write(first?.at ?? events.length);
  if (first !== undefined) throw first.error;
};

export const salesByCategory: Projection<ViewPorts> = {
  name: "sales-by-category",
  version: 1,
  eventTypes: ["BookAdded", "BookDetailsChanged", "OrderPlaced", "OrderPaid", "OrderPaymentFailed", "OrderShipped", "OrderDelivered", "OrderCancelled"],
  batch: defaultBatch,
  keys: { views: ["sales#"] },
  apply: (events, { views }) => applyBatch(views, events),
};

export interface DailySales {
  readonly day: string;
  readonly category: string;
  readonly currency: string;
  readonly units: number;
  readonly revenueCents: number;
}

/** Every day from `from` to `to` (both `yyyy-mm-dd`, inclusive), by category and currency; days without sales are left out. */
export const dailySales = async (live: ViewsPort, from: string, to: string): Promise<DailySales[]> => {
  const views = await liveViews(live, salesByCategory.name);
  const { client, tableName } = views;
  const out: DailySales[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) {
    const day = new Date(t).toISOString().slice(0, 10);
    let start: Record<string, unknown> | undefined;
    do {
      const page = await client.send(
        new QueryCommand({ TableName: tableName, KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": pkIn(views, dayPk(day)) }, ExclusiveStartKey: start }),
      );
      for (const i of page.Items ?? []) {
        const row = { day, category: String(i.category), currency: String(i.currency), units: Number(i.units), revenueCents: Number(i.revenueCents) };
        // A day whose only order was cancelled keeps a row of zeros: not a sale.
        if (row.units !== 0 || row.revenueCents !== 0) out.push(row);
      }
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
  }
  return out;
};
