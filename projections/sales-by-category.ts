import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { BatchGetCommand, GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { idOf, type OrderLine, type StoredEvent } from "../events/index.js";
import { liveViews } from "./generations.js";
import { defaultBatch, type Projection } from "./projection.js";
import type { ViewPorts, ViewsPort } from "./ports.js";
import { EventOutOfOrder, keyIn, pkIn } from "./stream-view.js";

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

/** Last writer by stream version wins, per field: events without a category leave it alone. */
const applyBookEvent = async (views: ViewsPort, e: StoredEvent): Promise<void> => {
  const category = e.type === "BookAdded" || e.type === "BookDetailsChanged" ? e.data.category : undefined;
  if (category === undefined) return;
  try {
    await views.client.send(
      new UpdateCommand({
        TableName: views.tableName,
        Key: keyIn(views, bookKey(idOf(e.streamId))),
        UpdateExpression: "SET category = :c, version = :v",
        ConditionExpression: "attribute_not_exists(version) OR version < :v",
        ExpressionAttributeValues: { ":c": category, ":v": e.version },
      }),
    );
  } catch (error) {
    if ((error as { name?: string }).name !== "ConditionalCheckFailedException") throw error;
  }
};

const categoriesOf = async (views: ViewsPort, bookIds: readonly string[]): Promise<Map<string, string>> => {
  const { client, tableName } = views;
  const found = new Map<string, string>();
  const unique = [...new Set(bookIds)];
  for (let i = 0; i < unique.length; i += 100) {
    const keys = unique.slice(i, i + 100).map((id): Record<string, unknown> => ({ ...keyIn(views, bookKey(id)) }));
    let request: Record<string, { Keys: Record<string, unknown>[]; ConsistentRead: boolean }> | undefined = {
      [tableName]: { Keys: keys, ConsistentRead: true },
    };
    while (request !== undefined && Object.keys(request).length > 0) {
      const page = await client.send(new BatchGetCommand({ RequestItems: request }));
      for (const item of page.Responses?.[tableName] ?? []) found.set(String(item.pk).slice(pkIn(views, "sales#book#").length), String(item.category));
      request = page.UnprocessedKeys as typeof request;
    }
  }
  const missing = unique.filter((id) => !found.has(id));
  if (missing.length > 0) throw new UnknownBookCategory(missing);
  return found;
};

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

const dayTotal = (views: ViewsPort, day: string, currency: string, line: CountedLine, sign: 1 | -1) => ({
  Update: {
    TableName: views.tableName,
    Key: { pk: pkIn(views, dayPk(day)), sk: `${line.category}#${currency}` },
    UpdateExpression: "ADD units :u, revenueCents :r SET #day = :day, category = :c, currency = :cur",
    ExpressionAttributeNames: { "#day": "day" },
    ExpressionAttributeValues: { ":u": sign * line.units, ":r": sign * line.revenueCents, ":day": day, ":c": line.category, ":cur": currency },
  },
});

/**
 * One order event, exactly once: the order's state and the day totals change in one
 * transaction, conditional on the order's version, so a repeat or a racing delivery adds nothing.
 */
const applyOrderEvent = async (views: ViewsPort, e: StoredEvent): Promise<void> => {
  const key = keyIn(views, orderKey(idOf(e.streamId)));
  for (;;) {
    const stored = (await views.client.send(new GetCommand({ TableName: views.tableName, Key: key, ConsistentRead: true }))).Item as OrderState | undefined;
    const at = stored?.version ?? 0;
    if (e.version <= at) return;
    if (e.version !== at + 1) throw new EventOutOfOrder(e.streamId, e.version, at);
    let next: OrderState = { ...stored, version: e.version };
    const totals: ReturnType<typeof dayTotal>[] = [];
    if (e.type === "OrderPlaced") {
      next = { ...next, currency: e.data.currency, lines: e.data.lines.map(({ bookId, quantity, lineTotalCents }) => ({ bookId, quantity, lineTotalCents })) };
    } else if (e.type === "OrderPaid" && stored?.paidDay === undefined && stored?.lines !== undefined) {
      const counted = countLines(stored.lines, await categoriesOf(views, stored.lines.map((l) => l.bookId)));
      const paidDay = e.occurredAt.slice(0, 10);
      next = { ...next, paidDay, counted };
      for (const line of counted) totals.push(dayTotal(views, paidDay, stored.currency ?? "", line, 1));
    } else if (e.type === "OrderCancelled" && stored?.paidDay !== undefined) {
      const { paidDay: _day, counted: _counted, ...rest } = next;
      next = rest;
      for (const line of stored.counted ?? []) totals.push(dayTotal(views, stored.paidDay, stored.currency ?? "", line, -1));
    }
    try {
      await views.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: views.tableName,
                Item: { ...next, ...key },
                ConditionExpression: at === 0 ? "attribute_not_exists(pk)" : "version = :at",
                ...(at === 0 ? {} : { ExpressionAttributeValues: { ":at": at } }),
              },
            },
            ...totals,
          ],
        }),
      );
      return;
    } catch (error) {
      // Another delivery of this order moved it on first: read again, it is then most likely a repeat.
      if (!(error instanceof TransactionCanceledException)) throw error;
    }
  }
};

export const salesByCategory: Projection<ViewPorts> = {
  name: "sales-by-category",
  version: 1,
  eventTypes: ["BookAdded", "BookDetailsChanged", "OrderPlaced", "OrderPaid", "OrderPaymentFailed", "OrderShipped", "OrderDelivered", "OrderCancelled"],
  batch: defaultBatch,
  keys: { views: ["sales#"] },
  apply: async (events, { views }) => {
    for (const e of events) {
      if (e.type === "BookAdded" || e.type === "BookDetailsChanged") await applyBookEvent(views, e);
      else await applyOrderEvent(views, e);
    }
  },
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
