import { inject, beforeAll, describe, expect, it } from "vitest";
import { readInThisThread, type ReplayBatch, type ReplayRead } from "../../cli/replay-batches.js";
import { readInReaderThread } from "../../cli/replay-reader-thread.js";
import { eventTypes } from "../../events/index.js";
import { freshCommands, type CommandsFixture } from "../support/commands-fixture.js";
import { collect } from "../support/event-store-fixture.js";
import { runWorkload } from "../support/workload.js";

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
const readerThread = (eventsTable = f.names.events, ahead?: number) => readInReaderThread({ dynamoDbEndpoint: inject("dynamoDbEndpoint"), eventsTable }, ahead);
const beside = (read: ReplayRead, ahead?: number) => collect(readerThread(f.names.events, ahead)(read));
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
      const got = await beside(read, 1);
      expect(got).toEqual(expected);
      expect(got.reduce((n, b) => n + b.scanned, 0)).toBe(ids.filter((id) => (read.after === undefined || id > read.after) && (read.from === undefined || id >= read.from) && (read.to === undefined || id < read.to)).length);
    }
    // Every event once, in ULID order, with its envelope intact.
    const whole = eventsOf(await beside({ wanted: eventTypes, batchSize: 64 }));
    expect(whole.map((e) => e.eventId)).toEqual(ids);
    const first = (await collect(f.store.readAll()))[0];
    expect(first?._tag === "Right" && first.right).toEqual(whole[0]);
  });

  it("ends its thread when the replay stops early, and the next read is whole", async () => {
    for (const stopAfter of [1, 3]) {
      let taken = 0;
      for await (const _ of readerThread()({ wanted: eventTypes, batchSize: 20 })) {
        if (++taken >= stopAfter) break;
      }
      expect(taken).toBe(stopAfter);
    }
    expect(eventsOf(await beside({ wanted: eventTypes, batchSize: 20 })).length).toBe(ids.length);
  });

  it("fails the replay with the reader's own error when the store cannot be read", async () => {
    const missing = readerThread("no-such-table-events");
    await expect(collect(missing({ wanted: eventTypes, batchSize: 10 }))).rejects.toMatchObject({ name: "ResourceNotFoundException" });
  });
});
