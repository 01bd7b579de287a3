import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { ulid } from "ulid";
import { localAwsConfig } from "../../local/dynamodb-local.js";
import { createEventStore, type EventStoreConfig } from "../../store/event-store.js";
import { createTables, tableNames, type TableNames } from "../../store/tables.js";
import type { EventStore, NewEvent } from "../../store/types.js";
import { streamId, type EventMeta, type StreamId } from "../../events/index.js";
import { dynamoDbEndpoint } from "./servers.js";

export interface StoreFixture {
  readonly client: DynamoDBClient;
  readonly names: TableNames;
  readonly store: EventStore;
  /** Another store on the same table, e.g. a second process with its own settings. */
  readonly storeWith: (config: Partial<Omit<EventStoreConfig, "client" | "tableName">>) => EventStore;
}

/** Fresh tables with a unique name, so test files never see each other's items. */
export const freshStore = async (prefix: string, endpoint: string = dynamoDbEndpoint()): Promise<StoreFixture> => {
  const client = new DynamoDBClient(localAwsConfig(endpoint));
  const names = tableNames(`${prefix}-${ulid().toLowerCase()}`);
  await createTables(client, names);
  const storeWith: StoreFixture["storeWith"] = (config) => createEventStore({ client, tableName: names.events, ...config });
  return { client, names, store: storeWith({}), storeWith };
};

export const meta = (commandId = "cmd-1"): EventMeta => ({ correlationId: "corr-1", causationId: commandId, actor: "admin-1", commandId });

export const newBookStream = (): StreamId => streamId("book", ulid());

export const bookAdded = (bookId: string, description = "A novel."): NewEvent => ({
  type: "BookAdded",
  data: {
    bookId,
    title: "Middlemarch",
    authors: ["George Eliot"],
    isbn: "9780141439549",
    category: "fiction",
    description,
    priceCents: 1299,
    currency: "EUR",
  },
  meta: meta(),
});

export const priceChanged = (bookId: string, priceCents: number): NewEvent => ({
  type: "BookPriceChanged",
  data: { bookId, priceCents, currency: "EUR" },
  meta: meta(),
});

/** Collects an async iterable; fine for tests, never for a whole table in production. */
export const collect = async <T>(items: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
};
