import { ConditionalCheckFailedException, TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { BatchGetCommand, GetCommand, PutCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import type { StoredEvent } from "../events/index.js";
import type { ViewsPort } from "./ports.js";

/**
 * An event arrived before the one just before it in its stream. Thrown, so the record fails
 * and is retried: by then the missing event has usually been applied.
 */
export class EventOutOfOrder extends Error {
  constructor(readonly streamId: string, readonly version: number, readonly stored: number) {
    super(`${streamId} v${version} arrived while the view is at v${stored}; waiting for v${stored + 1}`);
    this.name = "EventOutOfOrder";
  }
}

export interface ViewKey {
  readonly pk: string;
  readonly sk: string;
}

export interface StoredView<S> {
  readonly state: S;
  readonly version: number;
  readonly streamId: string;
  readonly updatedAt: string;
}

/** A view's key in the generation the port writes (and reads). */
export const keyIn = ({ keyPrefix }: ViewsPort, key: ViewKey): ViewKey => (keyPrefix ? { pk: keyPrefix + key.pk, sk: key.sk } : key);

/** A partition key in the generation the port writes (and reads). */
export const pkIn = ({ keyPrefix }: ViewsPort, pk: string): string => (keyPrefix ?? "") + pk;

/** One identity for a key, to look items up by. */
export const idOfKey = ({ pk, sk }: ViewKey): string => `${pk}\u0000${sk}`;

/**
 * Reads many items at once (consistently, 100 to a request), by their keys as generation 0
 * names them; the map is by `idOfKey` of those keys, and leaves out what is not stored.
 */
export const readItems = async (views: ViewsPort, keys: readonly ViewKey[]): Promise<Map<string, Record<string, unknown>>> => {
  const { client, tableName } = views;
  const byStoredId = new Map(keys.map((k) => [idOfKey(keyIn(views, k)), idOfKey(k)]));
  const stored = [...new Map(keys.map((k) => [idOfKey(k), keyIn(views, k)])).values()];
  const found = new Map<string, Record<string, unknown>>();
  for (let i = 0; i < stored.length; i += 100) {
    let request: Record<string, { Keys: Record<string, unknown>[]; ConsistentRead: boolean }> | undefined = {
      [tableName]: { Keys: stored.slice(i, i + 100).map((k) => ({ ...k })), ConsistentRead: true },
    };
    while (request !== undefined && Object.keys(request).length > 0) {
      const page = await client.send(new BatchGetCommand({ RequestItems: request }));
      for (const item of page.Responses?.[tableName] ?? []) {
        const id = byStoredId.get(idOfKey({ pk: String(item.pk), sk: String(item.sk) }));
        if (id !== undefined) found.set(id, item);
      }
      request = page.UnprocessedKeys as typeof request;
    }
  }
  return found;
};

/** One item, read consistently, by its key as generation 0 names it. */
export const readItem = async (views: ViewsPort, key: ViewKey): Promise<Record<string, unknown> | undefined> =>
  (await views.client.send(new GetCommand({ TableName: views.tableName, Key: keyIn(views, key), ConsistentRead: true }))).Item;

export const readView = async <S>(views: ViewsPort, key: ViewKey): Promise<StoredView<S> | undefined> => (await readItem(views, key)) as StoredView<S> | undefined;

/** One event folded into a view, with the state before and after it. */
export interface Folded<S> {
  readonly event: StoredEvent;
  readonly before: S | undefined;
  readonly after: S;
}

export interface FoldPlan<S> {
  /** The version the view was read at: the write is conditional on it. */
  readonly at: number;
  readonly state: S | undefined;
  readonly version: number;
  /** The events that follow on from the stored version, in order; repeats are left out. */
  readonly folded: readonly Folded<S>[];
  /** The first event past a gap, if any: it must wait for the one before it. */
  readonly early?: StoredEvent;
}

/** What folding a stream's events (in version order) into its stored view would do. */
export const planFold = <S>(
  stored: StoredView<S> | undefined,
  events: readonly StoredEvent[],
  evolve: (state: S | undefined, event: StoredEvent) => S,
): FoldPlan<S> => {
  const at = stored?.version ?? 0;
  let state = stored?.state;
  let version = at;
  const folded: Folded<S>[] = [];
  for (const e of events) {
    if (e.version <= version) continue;
    if (e.version !== version + 1) return { at, state, version, folded, early: e };
    const after = evolve(state, e);
    folded.push({ event: e, before: state, after });
    state = after;
    version = e.version;
  }
  return { at, state, version, folded };
};

const putOf = <S>(views: ViewsPort, key: ViewKey, plan: FoldPlan<S>, last: StoredEvent) => ({
  TableName: views.tableName,
  Item: { ...keyIn(views, key), streamId: last.streamId, version: plan.version, updatedAt: last.occurredAt, state: plan.state },
  ConditionExpression: plan.at === 0 ? "attribute_not_exists(pk)" : "version = :at",
  ...(plan.at === 0 ? {} : { ExpressionAttributeValues: { ":at": plan.at } }),
});

/**
 * Writes a plan's new state, conditional on the version it was read at.
 * @returns false when another delivery wrote the view first (read it again)
 */
export const writePlan = async <S>(views: ViewsPort, key: ViewKey, plan: FoldPlan<S>): Promise<boolean> => {
  const last = plan.folded.at(-1)?.event;
  if (last === undefined) return true;
  try {
    await views.client.send(new PutCommand(putOf(views, key, plan, last)));
    return true;
  } catch (e) {
    if (e instanceof ConditionalCheckFailedException) return false;
    throw e;
  }
};

/** TransactWriteItems takes at most 100 items. */
const TRANSACT_MAX_ITEMS = 100;

/**
 * Writes several plans, each conditional on the version it was read at, in one transaction (a
 * hundred at a time): one request instead of one a view, which is what costs DynamoDB the most
 * per view (a transaction's writes cost twice the capacity of plain puts in AWS). A transaction
 * is all or nothing, so when it is refused (a view written first by another delivery, or a
 * conflict with another transaction) each plan is written alone, to learn which of them raced.
 * @returns the plans another delivery wrote first (read them again)
 */
export const writePlans = async <P extends { readonly key: ViewKey; readonly plan: FoldPlan<unknown> }>(views: ViewsPort, plans: readonly P[]): Promise<P[]> => {
  const writing = plans.flatMap((p) => {
    const last = p.plan.folded.at(-1)?.event;
    return last === undefined ? [] : [{ p, put: putOf(views, p.key, p.plan, last) }];
  });
  if (writing.length === 1) return (await writePlan(views, writing[0]!.p.key, writing[0]!.p.plan)) ? [] : [writing[0]!.p];
  const raced: P[] = [];
  for (let i = 0; i < writing.length; i += TRANSACT_MAX_ITEMS) {
    const chunk = writing.slice(i, i + TRANSACT_MAX_ITEMS);
    try {
      await views.client.send(new TransactWriteCommand({ TransactItems: chunk.map(({ put }) => ({ Put: put })) }));
    } catch (e) {
      if (!(e instanceof TransactionCanceledException)) throw e;
      for (const { p } of chunk) if (!(await writePlan(views, p.key, p.plan))) raced.push(p);
    }
  }
  return raced;
};

/** A batch's events by the view they fold into, each group in stream version order. */
export const groupByView = (events: readonly StoredEvent[], keyOf: (event: StoredEvent) => ViewKey): { key: ViewKey; events: StoredEvent[] }[] => {
  const groups = new Map<string, { key: ViewKey; events: StoredEvent[] }>();
  for (const e of events) {
    const key = keyOf(e);
    const id = idOfKey(key);
    const group = groups.get(id) ?? { key, events: [] };
    group.events.push(e);
    groups.set(id, group);
  }
  return [...groups.values()].map((g) => ({ ...g, events: g.events.sort((a, b) => a.version - b.version) }));
};

/** How many views a batch writes at once: streams are independent, their events are not. */
export const CONCURRENT_VIEWS = 16;

/** Runs `work` for every item, `CONCURRENT_VIEWS` at a time. Every item is attempted; the first failure is thrown after. */
export const eachConcurrently = async <T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> => {
  const queue = [...items];
  const failures: unknown[] = [];
  const worker = async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
      try {
        await work(item);
      } catch (e) {
        failures.push(e);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENT_VIEWS, queue.length) }, worker));
  if (failures.length > 0) throw failures[0];
};

/**
 * Folds a batch into the views of its streams, each exactly once: the views are read together,
 * then each stream's events (in version order) are folded onto its view, where events at or
 * below the stored version are repeats and change nothing, and written in one put conditional
 * on the version read, views side by side. Two deliveries racing each other cannot both apply:
 * the loser reads again and finds repeats. An event past a gap is early: what came before it
 * is still written, then it fails, to be retried. Every view is attempted; the first failure
 * is thrown after. `decode` checks a stored view before it is folded on.
 */
export const foldBatch = async <S>(
  views: ViewsPort,
  events: readonly StoredEvent[],
  keyOf: (event: StoredEvent) => ViewKey,
  evolve: (state: S | undefined, event: StoredEvent) => S,
  decode: (item: Record<string, unknown>) => StoredView<S> = (item) => item as unknown as StoredView<S>,
): Promise<void> => {
  let pending = groupByView(events, keyOf);
  const failures: unknown[] = [];
  while (pending.length > 0) {
    const stored = await readItems(views, pending.map((g) => g.key));
    const raced: typeof pending = [];
    await eachConcurrently(pending, async (g) => {
      try {
        const item = stored.get(idOfKey(g.key));
        const plan = planFold(item === undefined ? undefined : decode(item), g.events, evolve);
        if (!(await writePlan(views, g.key, plan))) raced.push(g);
        else if (plan.early !== undefined) failures.push(new EventOutOfOrder(plan.early.streamId, plan.early.version, plan.version));
      } catch (e) {
        failures.push(e);
      }
    });
    pending = raced;
  }
  if (failures.length > 0) throw failures[0];
};
