import { beforeAll } from "vitest";
import { createInMemorySnapshotStore } from "../../store/in-memory.js";
import { appendContract, readAllContract, readContract, snapshotStoreContract } from "../support/event-store-contract.js";
import { freshMemoryStore, type MemoryStoreFixture } from "../support/event-store-fixture.js";

// The in-memory store answers to the same contract as the DynamoDB store, each part on a table of its own as there.
let append: MemoryStoreFixture;
let read: MemoryStoreFixture;
let readAll: MemoryStoreFixture;
beforeAll(() => {
  [append, read, readAll] = [freshMemoryStore(), freshMemoryStore(), freshMemoryStore()];
});

appendContract(() => append);
readContract(() => read);
readAllContract(() => readAll);
snapshotStoreContract(() => ({ snapshots: createInMemorySnapshotStore(read.table), plant: read.plant }));
