import { DeleteCommand, GetCommand, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import * as t from "io-ts";
import { isLeft } from "fp-ts/lib/Either.js";
import { describeErrors, idOf, type StoredEvent } from "../../events/index.js";
import type { ViewPorts, ViewsPort } from "../../projections/ports.js";
import { defaultBatch, type Projection } from "../../projections/projection.js";
import type { CommandHandler } from "../commands/handle.js";

/** The command side, for processes that act on what the stream says happened. */
export interface CommandPorts {
  readonly commands: Pick<CommandHandler, "handle">;
  /** The process's own clock (tests move it). */
  readonly clock: () => Date;
}
export type ProcessPorts = ViewPorts & CommandPorts;

/**
 * How long a placed order may wait for its payment before the system cancels it and its stock
 * is released (`CHECKOUT_HOLD_SECONDS`), and after how long a payment whose outcome was never
 * recorded is reconciled with the processor (`PAYMENT_RECONCILE_SECONDS`).
 */
export interface UnpaidOrderSettings {
  readonly holdSeconds: number;
  readonly reconcileAfterSeconds: number;
}

const positiveSeconds = (env: NodeJS.ProcessEnv, name: string, fallback: number): number => {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a whole number of seconds, at least 1, not "${raw}"`);
  return n;
};

export const unpaidOrderSettingsFromEnv = (env: NodeJS.ProcessEnv = process.env): UnpaidOrderSettings => {
  const holdSeconds = positiveSeconds(env, "CHECKOUT_HOLD_SECONDS", 900);
  const reconcileAfterSeconds = Math.min(holdSeconds, positiveSeconds(env, "PAYMENT_RECONCILE_SECONDS", 60));
  return { holdSeconds, reconcileAfterSeconds };
};

/**
 * Orders waiting for payment, by minute (`payment-due#<minute>`, one item per order): what the
 * sweep of unpaid orders reads, so that it never scans. The order process writes an item for
 * every OrderPlaced, under the minute it was placed, or under the minute two minutes before the
 * process's own time if that is later: the sweep never moves its cursor past a minute that
 * recent (`SETTLE`), so an item written late (the process behind the stream) lands where the
 * sweep still looks. The sweep deletes the item once the order is no longer placed.
 */
const dueKey = (minute: string, orderId: string) => ({ pk: `payment-due#${minute}`, sk: orderId });
const cursorKey = { pk: "payment-due-cursor", sk: "cursor" };
const LATE_WRITE_MS = 120_000;
const SETTLE_MS = 180_000;
export const minuteOf = (iso: string): string => iso.slice(0, 16);
const nextMinute = (minute: string): string => new Date(Date.parse(`${minute}:00.000Z`) + 60_000).toISOString().slice(0, 16);

const DueItem = t.type({ sk: t.string });
const Cursor = t.type({ minute: t.string });

const orderOf = (e: StoredEvent): string => idOf(e.streamId);

/**
 * The order process: after every change of an order or its payment it settles what follows
 * (the order's stock, a refund for a capture on a cancelled order), through the command side,
 * where every step is idempotent. The request that changed the order already tried; this is
 * what makes it certain: a failure is retried by the stream, then lands in the dead letters.
 */
export const orderProcess: Projection<ProcessPorts> = {
  name: "order-process",
  version: 1,
  eventTypes: ["OrderPlaced", "OrderPaid", "OrderCancelled", "PaymentCaptured", "PaymentDeclined"],
  // A few orders at a time: each is a handful of reads and writes on the command side.
  batch: { ...defaultBatch, batchSize: 25 },
  stores: ["events"],
  apply: async (events, { views, commands, clock }) => {
    const earliest = minuteOf(new Date(clock().getTime() - LATE_WRITE_MS).toISOString());
    for (const e of events) {
      if (e.type === "OrderPlaced") {
        const placed = minuteOf(e.data.placedAt);
        await views.client.send(
          new PutCommand({ TableName: views.tableName, Item: { ...dueKey(placed > earliest ? placed : earliest, e.data.orderId), placedAt: e.data.placedAt } }),
        );
      }
    }
    const orders = new Set(events.filter((e) => e.type !== "OrderPlaced").map(orderOf));
    for (const orderId of orders) {
      const settled = await commands.handle(
        { type: "SettleOrder", orderId },
        { actor: "system:order-process", correlationId: events.find((e) => orderOf(e) === orderId)?.meta.correlationId ?? orderId },
      );
      if (isLeft(settled)) throw new Error(`settling order ${orderId} failed: ${settled.left.kind}`);
    }
  },
};

export interface SweepResult {
  /** Orders looked at. */
  readonly reviewed: number;
  /** Orders no longer waiting (paid, cancelled now or before). */
  readonly done: number;
}

const readCursor = async (views: ViewsPort): Promise<string | undefined> => {
  const item = (await views.client.send(new GetCommand({ TableName: views.tableName, Key: cursorKey, ConsistentRead: true }))).Item;
  if (item === undefined) return undefined;
  const decoded = Cursor.decode(item);
  if (isLeft(decoded)) throw new Error(`the unpaid orders' cursor is malformed: ${describeErrors(decoded.left)}`);
  return decoded.right.minute;
};

/**
 * Looks at every order placed at least `reconcileAfterSeconds` ago and still waiting: its
 * payment is reconciled, and past its hold it is cancelled (through the command side, which
 * decides on the order's own state and the clock). Minutes whose orders are all done are passed
 * for good; with no cursor yet, it starts an hour before the oldest hold that can still be running. Run every minute (a schedule in AWS, a
 * timer under `npm start`), or by a test with its own clock.
 */
export const sweepUnpaidOrders = async (
  { views, commands }: Omit<ProcessPorts, "clock">,
  settings: UnpaidOrderSettings,
  now: Date,
): Promise<SweepResult> => {
  const last = minuteOf(new Date(now.getTime() - settings.reconcileAfterSeconds * 1000).toISOString());
  let minute = (await readCursor(views)) ?? minuteOf(new Date(now.getTime() - (settings.holdSeconds + 3600) * 1000).toISOString());
  let passed = minute;
  let stillWaiting = false;
  let reviewed = 0;
  let done = 0;
  for (; minute <= last; minute = nextMinute(minute)) {
    let start: Record<string, unknown> | undefined;
    do {
      const page = await views.client.send(
        new QueryCommand({
          TableName: views.tableName,
          KeyConditionExpression: "pk = :pk",
          ExpressionAttributeValues: { ":pk": dueKey(minute, "").pk },
          ...(start === undefined ? {} : { ExclusiveStartKey: start }),
        }),
      );
      for (const raw of page.Items ?? []) {
        const item = DueItem.decode(raw);
        if (isLeft(item)) throw new Error(`a payment-due item is malformed: ${describeErrors(item.left)}`);
        const orderId = item.right.sk;
        reviewed++;
        const reviewedOrder = await commands.handle(
          { type: "ReviewUnpaidOrder", orderId, holdSeconds: settings.holdSeconds, reconcileAfterSeconds: settings.reconcileAfterSeconds },
          { actor: "system:unpaid-orders", correlationId: `sweep-${now.toISOString()}` },
        );
        const status = isLeft(reviewedOrder) ? (reviewedOrder.left.kind === "OrderNotFound" ? "gone" : undefined) : (reviewedOrder.right.result as { status?: string }).status;
        if (status !== undefined && status !== "placed") {
          await views.client.send(new DeleteCommand({ TableName: views.tableName, Key: dueKey(minute, orderId) }));
          done++;
        } else stillWaiting = true;
      }
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
    if (!stillWaiting) passed = nextMinute(minute);
  }
  // Recent minutes may still be written to (see `dueKey`): they are looked at again.
  const settled = minuteOf(new Date(now.getTime() - SETTLE_MS).toISOString());
  if (passed > settled) passed = settled;
  await views.client.send(new PutCommand({ TableName: views.tableName, Item: { ...cursorKey, minute: passed } }));
  return { reviewed, done };
};
