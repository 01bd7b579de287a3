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
 * Folds one event into a view of ONE stream, exactly once: an event at or below the stored
 * version is a repeat and changes nothing; an event past `stored + 1` is early and fails. The
 * write is conditional on the version it read, so two deliveries racing each other cannot
 * both apply (the loser re-reads and finds a repeat).
 */
export const foldIntoView = async <S>(
  views: ViewsPort,
  key: ViewKey,
  event: StoredEvent,
  evolve: (state: S | undefined, event: StoredEvent) => S,
): Promise<"applied" | "repeat"> => {
  for (;;) {
    const stored = await readView<S>(views, key);
    const at = stored?.version ?? 0;
    if (event.version <= at) return "repeat";
    if (event.version !== at + 1) throw new EventOutOfOrder(event.streamId, event.version, at);
    const item = { ...key, streamId: event.streamId, version: event.version, updatedAt: event.occurredAt, state: evolve(stored?.state, event) };
    try {
      await views.client.send(
        new PutCommand({
          TableName: views.tableName,
          Item: item,
          ConditionExpression: at === 0 ? "attribute_not_exists(pk)" : "version = :at",
          ...(at === 0 ? {} : { ExpressionAttributeValues: { ":at": at } }),
        }),
      );
      return "applied";
    } catch (e) {
      if (!(e instanceof ConditionalCheckFailedException)) throw e;
    }
  }
};

/** Applies a batch in order, one event at a time: each stream's events must land in sequence. */
export const foldEach = async (events: readonly StoredEvent[], apply: (event: StoredEvent) => Promise<unknown>): Promise<void> => {
  for (const event of events) await apply(event);
};
