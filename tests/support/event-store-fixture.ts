import { DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { type Either, isLeft } from "fp-ts/lib/Either.js";
import { marshall } from "@aws-sdk/util-dynamodb";
import { ulid } from "ulid";
import { localAwsConfig } from "../../local/dynamodb-local.js";
import type { AppendSettings } from "../../store/append-plan.js";
import { createEventStore } from "../../store/event-store.js";
import { createInMemoryEventStore, createInMemoryTable, type InMemoryTable } from "../../store/in-memory.js";
import { createTables, tableNames, type TableNames } from "../../store/tables.js";
import type { AppendError, AppendOutcome, AppendResult, EventStore, NewEvent } from "../../store/types.js";
import { streamId, type EventMeta, type StreamId } from "../../events/index.js";
import { dynamoDbEndpoint } from "./servers.js";

/** Where a test's events are kept: DynamoDB Local, or the in-memory store for tests of decisions. */
export type StoreKind = "dynamodb" | "memory";

/** What a test of the `EventStore` interface needs, whichever store is under it. */
export interface AnyStoreFixture {
  readonly kind: StoreKind;
  readonly store: EventStore;
  /** Another store on the same items, e.g. a second process with its own settings. */
  readonly storeWith: (settings: AppendSettings) => EventStore;
  /** Puts an item as given, past the store: what an older writer or a bug may have left behind. */
  readonly plant: (item: Record<string, unknown>) => Promise<void>;
}

export interface StoreFixture extends AnyStoreFixture {
  readonly kind: "dynamodb";
  readonly client: DynamoDBClient;
  readonly names: TableNames;
}

export interface MemoryStoreFixture extends AnyStoreFixture {
  readonly kind: "memory";
  readonly table: InMemoryTable;
}

/** Fresh tables with a unique name, so test files never see each other's items. */
export const freshStore = async (prefix: string, endpoint: string = dynamoDbEndpoint()): Promise<StoreFixture> => {
  const client = new DynamoDBClient(localAwsConfig(endpoint));
  const names = tableNames(`${prefix}-${ulid().toLowerCase()}`);
  await createTables(client, names);
  const storeWith: StoreFixture["storeWith"] = (settings) => createEventStore({ client, tableName: names.events, ...settings });
  const plant: StoreFixture["plant"] = async (item) => {
    await client.send(new PutItemCommand({ TableName: names.events, Item: marshall(item) }));
  };
  return { kind: "dynamodb", client, names, store: storeWith({}), storeWith, plant };
};

/** An empty in-memory table of its own, and a store on it. */
export const freshMemoryStore = (): MemoryStoreFixture => {
  const table = createInMemoryTable();
  const storeWith: MemoryStoreFixture["storeWith"] = (settings) => createInMemoryEventStore({ table, ...settings });
  const plant: MemoryStoreFixture["plant"] = async (item) => table.put(marshall(item));
  return { kind: "memory", table, store: storeWith({}), storeWith, plant };
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

/** The events an append wrote, or a test failure that shows why it wrote none. */
export const appended = (outcome: Either<AppendError, AppendOutcome>): AppendResult => {
  if (isLeft(outcome)) throw new Error(`expected an append, got ${JSON.stringify(outcome.left)}`);
  if (outcome.right.kind !== "Appended") throw new Error(`expected an append, got ${outcome.right.kind}`);
  return outcome.right;
};
