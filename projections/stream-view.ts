import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
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

export const readView = async <S>({ client, tableName }: ViewsPort, key: ViewKey): Promise<StoredView<S> | undefined> =>
  (await client.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }))).Item as StoredView<S> | undefined;

/**
 * Folds a stream's events (in version order) into its view, exactly once: events at or below
 * the stored version are repeats and change nothing; the ones that follow on from it are
 * folded and written in one put, conditional on the version it read, so two deliveries racing
 * each other cannot both apply (the loser re-reads and finds repeats). An event past a gap is
 * early: what came before it is still written, then it fails, to be retried.
 */
const foldStream = async <S>(
  views: ViewsPort,
  key: ViewKey,
  events: readonly StoredEvent[],
  evolve: (state: S | undefined, event: StoredEvent) => S,
): Promise<void> => {
  for (;;) {
    const stored = await readView<S>(views, key);
    const at = stored?.version ?? 0;
    let state = stored?.state;
    let version = at;
    let early: StoredEvent | undefined;
    for (const e of events) {
      if (e.version <= version) continue;
      if (e.version !== version + 1) {
        early = e;
        break;
      }
      state = evolve(state, e);
      version = e.version;
    }
    const last = events.find((e) => e.version === version);
    if (version > at && last !== undefined) {
      try {
        await views.client.send(
          new PutCommand({
            TableName: views.tableName,
            Item: { ...key, streamId: last.streamId, version, updatedAt: last.occurredAt, state },
            ConditionExpression: at === 0 ? "attribute_not_exists(pk)" : "version = :at",
            ...(at === 0 ? {} : { ExpressionAttributeValues: { ":at": at } }),
          }),
        );
      } catch (e) {
        if (e instanceof ConditionalCheckFailedException) continue;
        throw e;
      }
    }
    if (early !== undefined) throw new EventOutOfOrder(early.streamId, early.version, version);
    return;
  }
};

/** Folds one event into its stream's view; see `foldStream`. */
export const foldIntoView = <S>(views: ViewsPort, key: ViewKey, event: StoredEvent, evolve: (state: S | undefined, event: StoredEvent) => S) =>
  foldStream(views, key, [event], evolve);

/** How many views a batch writes at once: streams are independent, their events are not. */
const CONCURRENT_VIEWS = 16;

/**
 * Folds a batch into the views of its streams: one read and one conditional write per view
 * and batch, views side by side. Every view is attempted; the first failure is thrown after.
 */
export const foldBatch = async <S>(
  views: ViewsPort,
  events: readonly StoredEvent[],
  keyOf: (event: StoredEvent) => ViewKey,
  evolve: (state: S | undefined, event: StoredEvent) => S,
): Promise<void> => {
  const groups = new Map<string, { key: ViewKey; events: StoredEvent[] }>();
  for (const e of events) {
    const key = keyOf(e);
    const id = `${key.pk}\u0000${key.sk}`;
    const group = groups.get(id) ?? { key, events: [] };
    group.events.push(e);
    groups.set(id, group);
  }
  const queue = [...groups.values()].map((g) => ({ ...g, events: g.events.sort((a, b) => a.version - b.version) }));
  const failures: unknown[] = [];
  const worker = async () => {
    for (let g = queue.shift(); g !== undefined; g = queue.shift()) {
      try {
        await foldStream(views, g.key, g.events, evolve);
      } catch (e) {
        failures.push(e);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENT_VIEWS, queue.length) }, worker));
  if (failures.length > 0) throw failures[0];
};

/** Applies a batch in order, one event at a time: each stream's events must land in sequence. */
export const foldEach = async (events: readonly StoredEvent[], apply: (event: StoredEvent) => Promise<unknown>): Promise<void> => {
  for (const event of events) await apply(event);
};
