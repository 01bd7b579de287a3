export * from "./types.js";
export * from "./tables.js";
export { createEventStore, type EventStoreConfig } from "./event-store.js";
export { READ_ALL_SETTLE_MS } from "./read-all.js";
export { decodeEventItem, type ItemKind } from "./event-item.js";
export { MAX_TRANSACTION_BYTES, MAX_TRANSACTION_ITEMS } from "./append-plan.js";
export { MAX_ITEM_BYTES, itemSize } from "./item-size.js";
export { createSnapshotStore, SNAPSHOT_SK, type Snapshot, type SnapshotStore } from "./snapshots.js";
export { dynamoDbLocalRetry } from "./dynamodb-local-retry.js";
export { createDynamoDbClient, dynamoDbClientFor } from "./dynamodb-client.js";
export {
  createInMemoryEventStore,
  createInMemorySnapshotStore,
  createInMemoryTable,
  type InMemoryEventStoreConfig,
  type InMemoryTable,
} from "./in-memory.js";
