import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setTimeout } from "node:timers/promises";
import { readInThisThread, type ReplayBatch, type ReplayRead, type ReplayReader } from "../../cli/replay-batches.js";
import { readInReaderThread, type ReaderThreadOptions, type ReaderThreadReader } from "../../cli/replay-reader-thread.js";
import { eventTypes } from "../../events/index.js";
import { freshCommands, type CommandsFixture } from "../support/commands-fixture.js";
import { collect } from "../support/event-store-fixture.js";
import { runWorkload } from "../support/workload.js";
import { dynamoDbEndpoint } from "../support/servers.js";

let f: CommandsFixture;
let ids: string[];
beforeAll(async () => {
  f = await freshCommands("reader-thread");
  await runWorkload(f, 600, 3);
  ids = (await collect(f.store.readAll())).map((r) => {
    if (r._tag === "Left") throw new Error(r.left.reason);
    return r.right.eventId;
  });
}, 300_000);

const inThread = (read: ReplayRead) => collect(readInThisThread(f.store)(read));
const readers: ReaderThreadReader[] = [];
afterAll(async () => {
  await Promise.all(readers.map((r) => r.close()));
});
const readerThread = (eventsTable = f.names.events, options: ReaderThreadOptions = {}) => {
  const reader = readInReaderThread({ dynamoDbEndpoint: dynamoDbEndpoint(), eventsTable }, options);
  readers.push(reader);
  return reader;
};
const beside = (read: ReplayRead, options: ReaderThreadOptions = {}) => collect(readerThread(f.names.events, options)(read));
const eventsOf = (batches: readonly ReplayBatch[]) => batches.flatMap((b) => b.events);

describe("a replay's reader thread", () => {
  it("hands over the same batches as reading in the replay's own thread: whole, filtered, resumed and bounded", async () => {
    const reads: ReplayRead[] = [
      { wanted: eventTypes, batchSize: 100 },
      { wanted: ["OrderPaid", "OrderCancelled", "BookAdded"], batchSize: 7 },
      { wanted: ["CartItemAdded"], after: ids[250]!, to: ids[500]!, batchSize: 50 },
      { wanted: eventTypes, from: ids[100]!, to: ids[101]!, batchSize: 10 },
    ];
    for (const read of reads) {
      const expected = await inThread(read);
      const got = await beside(read, { ahead: 1 });
      expect(got).toEqual(expected);
      expect(got.reduce((n, b) => n + b.scanned, 0)).toBe(ids.filter((id) => (read.after === undefined || id > read.after) && (read.from === undefined || id >= read.from) && (read.to === undefined || id < read.to)).length);
    }
    // Every event once, in ULID order, with its envelope intact.
    const whole = eventsOf(await beside({ wanted: eventTypes, batchSize: 64 }));
    expect(whole.map((e) => e.eventId)).toEqual(ids);
    const first = (await collect(f.store.readAll()))[0];
    expect(first?._tag === "Right" && first.right).toEqual(whole[0]);
  });

  it("reads in the replay's thread while it starts, then hands over after a whole batch: the same batches, nothing twice", async () => {
    // Batches of this thread come slowly enough that the reader thread is ready before the end.
    let here = 0;
    const slowlyHere: ReplayReader = (read) => ({
      async *[Symbol.asyncIterator]() {
        for await (const batch of readInThisThread(f.store)(read)) {
          here += 1;
          await setTimeout(100);
          yield batch;
        }
      },
    });
    const read: ReplayRead = { wanted: ["OrderPaid", "OrderCancelled", "BookAdded"], batchSize: 5 };
    const expected = await inThread(read);
    const got = await beside(read, { meanwhile: slowlyHere });
    expect(got).toEqual(expected);
    expect(here).toBeGreaterThan(0);
    expect(here).toBeLessThan(expected.length);

    // A read that ends before the thread is ready is this thread's alone.
    here = 0;
    const short: ReplayRead = { wanted: eventTypes, from: ids[100]!, to: ids[120]!, batchSize: 10 };
    expect(await beside(short, { meanwhile: slowlyHere })).toEqual(await inThread(short));
    expect(here).toBe(2);
  });

  it("cancels a read that the replay stops early, and its thread's next read is whole", async () => {
    const reader = readerThread();
    for (const stopAfter of [1, 3]) {
      let taken = 0;
      for await (const _ of reader({ wanted: eventTypes, batchSize: 20 })) {
        if (++taken >= stopAfter) break;
      }
      expect(taken).toBe(stopAfter);
    }
    const whole = await collect(reader({ wanted: eventTypes, batchSize: 20 }));
    expect(eventsOf(whole).map((e) => e.eventId)).toEqual(ids);
    expect(reader.threadsStarted()).toBe(1);
  });

  it("keeps its thread for the next read, and gives a read that comes during another a thread of its own", async () => {
    const reader = readerThread(f.names.events, { meanwhile: readInThisThread(f.store) });
    const whole: ReplayRead = { wanted: eventTypes, batchSize: 50 };
    const paid: ReplayRead = { wanted: ["OrderPaid"], batchSize: 10 };
    expect(await collect(reader(whole))).toEqual(await inThread(whole));
    expect(await collect(reader(paid))).toEqual(await inThread(paid));
    expect(reader.threadsStarted()).toBe(1);
    const [a, b] = await Promise.all([collect(reader(whole)), collect(reader(paid))]);
    expect(a).toEqual(await inThread(whole));
    expect(b).toEqual(await inThread(paid));
    expect(reader.threadsStarted()).toBe(2);
  });

  it("fails the replay with the reader's own error when the store cannot be read, and its thread reads again", async () => {
    const missing = readerThread("no-such-table-events");
    for (const _ of [1, 2]) await expect(collect(missing({ wanted: eventTypes, batchSize: 10 }))).rejects.toMatchObject({ name: "ResourceNotFoundException" });
    expect(missing.threadsStarted()).toBe(1);
  });
});
