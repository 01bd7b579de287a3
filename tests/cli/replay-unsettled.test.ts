import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { isRight } from "fp-ts/lib/Either.js";
import { ulid } from "ulid";
import { beforeAll, describe, expect, it } from "vitest";
import { readAllRange, replayBatches, readInThisThread, type ReplayReader } from "../../cli/replay-batches.js";
import { replayCheckpoints } from "../../cli/replay-checkpoints.js";
import { runReplay } from "../../cli/replay-run.js";
import { streamId } from "../../events/index.js";
import { EventOutOfOrder, getInventory, projections, type ViewPorts } from "../../projections/index.js";
import type { ReadResult } from "../../store/index.js";
import { freshStore, meta, type StoreFixture } from "../support/event-store-fixture.js";
import { freshViews } from "../support/projections-fixture.js";

const inventory = projections.find((p) => p.name === "inventory-view")!;

let f: StoreFixture;
beforeAll(async () => {
  f = await freshStore("replay-unsettled");
});

/** Appends `quantity` copies received to a book's inventory stream, its event id minted at `at`. */
const receive = async (bookId: string, expectedVersion: number, at: number, quantity = 1): Promise<string> => {
  const outcome = await f.storeWith({ clock: () => new Date(at) }).append([
    { streamId: streamId("inventory", bookId), expectedVersion, events: [{ type: "StockReceived", data: { bookId, quantity }, meta: meta(ulid()) }] },
  ]);
  if (!isRight(outcome) || outcome.right.kind !== "Appended") throw new Error(`appending to ${bookId} failed`);
  return outcome.right.events[0]!.eventId;
};

/** Reads the store as a reader would while the appends of `hidden` are still committing. */
const readingWithout =
  (hidden: Set<string>): ReplayReader =>
  (read) =>
    replayBatches(
      (async function* (): AsyncGenerator<ReadResult> {
        for await (const r of f.store.readAll(readAllRange(read))) if (!(isRight(r) && hidden.has(r.right.eventId))) yield r;
      })(),
      read,
    );

const freshPorts = async (): Promise<ViewPorts> => ({ views: await freshViews("replay-unsettled") });

describe("a replay over history that is still being written", () => {
  it("keeps its checkpoint where history has settled, so an event that commits late behind those read is applied by the next run", async () => {
    expect(inventory).toBeDefined();
    const ports = await freshPorts();
    const now = Date.now();
    const [early, late] = [ulid(), ulid()];
    await receive(early, 0, now);
    const run = (unsettledFrom?: number) =>
      runReplay({ projection: inventory, read: readInThisThread(f.store), ports, replayId: "tail", ...(unsettledFrom === undefined ? {} : { unsettledFrom }) });

    const first = await run(now - 5000);
    expect(first.applied).toBeGreaterThanOrEqual(1);
    const mark = await replayCheckpoints(ports.views).get(inventory.name, "tail");
    expect(mark?.lastEventId).toBeDefined();
    expect(String(mark?.lastEventId) < ulid(now - 5000)).toBe(true);

    // Its id was minted two seconds before the event the first run read; it committed after that run.
    await receive(late, 0, now - 2000, 3);
    await receive(late, 1, now + 1000, 4);
    const second = await run(now - 5000);
    expect(second.unsettled).toBeUndefined();
    expect(await getInventory(ports.views, late)).toMatchObject({ onHand: 7, version: 2 });
    expect(await getInventory(ports.views, early)).toMatchObject({ onHand: 1, version: 1 });
  });

  it("without a settle window, the same late event is passed by the checkpoint and its successor fails the next run", async () => {
    const ports = await freshPorts();
    const now = Date.now() + 60_000;
    const [early, late] = [ulid(), ulid()];
    await receive(early, 0, now);
    const run = () => runReplay({ projection: inventory, read: readInThisThread(f.store), ports, replayId: "tail" });
    await run();
    await receive(late, 0, now - 2000, 3);
    await receive(late, 1, now + 1000, 4);
    await expect(run()).rejects.toBeInstanceOf(EventOutOfOrder);
  });

  it("meeting an event before its predecessor where history has not settled, a run ends as unsettled; where it has, the run fails", async () => {
    const ports = await freshPorts();
    const now = Date.now() + 120_000;
    const book = ulid();
    const first = await receive(book, 0, now);
    await receive(book, 1, now + 10);
    const hidden = new Set([first]);
    const run = (unsettledFrom: number) => runReplay({ projection: inventory, read: readingWithout(hidden), ports, replayId: "gap", unsettledFrom });

    const waiting = await run(now - 1000);
    expect(waiting.unsettled).toBe(true);
    expect((await replayCheckpoints(ports.views).get(inventory.name, "gap"))?.done).toBe(false);

    // Were the gap older than the settle window, the predecessor would be lost, not late: that fails.
    await expect(run(now + 5000)).rejects.toBeInstanceOf(EventOutOfOrder);

    hidden.clear();
    const caughtUp = await run(now - 1000);
    expect(caughtUp.unsettled).toBeUndefined();
    expect(await getInventory(ports.views, book)).toMatchObject({ onHand: 2, version: 2 });
  });
});

describe("a replay's checkpoint", () => {
  it("that does not decode stops the replay with a clear error instead of resuming from a guess", async () => {
    const ports = await freshPorts();
    await ports.views.client.send(
      new PutCommand({ TableName: ports.views.tableName, Item: { pk: `replay#${inventory.name}`, sk: "broken", projection: inventory.name, replayId: "broken", scanned: "many" } }),
    );
    await expect(runReplay({ projection: inventory, read: readInThisThread(f.store), ports, replayId: "broken" })).rejects.toThrow(
      /checkpoint of replay broken of inventory-view does not decode/,
    );
  });
});
