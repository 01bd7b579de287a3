import { beforeAll } from "vitest";
import { readAllContract } from "../support/event-store-contract.js";
import { freshStore, type StoreFixture } from "../support/event-store-fixture.js";

let f: StoreFixture;
beforeAll(async () => {
  f = await freshStore("readall");
});

// Two writers with different shard settings over five hours: the time index's buckets and shards.
readAllContract(() => f);
