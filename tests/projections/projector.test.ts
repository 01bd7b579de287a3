import { ulid } from "ulid";
import { beforeAll, describe, expect, it } from "vitest";
import { createProjector } from "../../handlers/stream/projector.js";
import { deadLetters } from "../../projections/dead-letters.js";
import { getInventory, inventoryView } from "../../projections/inventory-view.js";
import type { ViewPorts } from "../../projections/ports.js";
import { freshCommands, type CommandsFixture } from "../support/commands-fixture.js";
import type { MemoryStoreFixture } from "../support/event-store-fixture.js";
import { freshViews, streamEvent, streamRecord, stockedBook } from "../support/projections-fixture.js";

let f: CommandsFixture<MemoryStoreFixture>;
beforeAll(async () => {
  f = await freshCommands("projector", {}, "memory");
});

const stocked = (...receipts: number[]) => stockedBook(f, ...receipts);

describe("the projector as a Lambda handler", () => {
  it("reports the first failing record and every record after it, dead-letters the undecodable one, and applies the rest", async () => {
    const ports: ViewPorts = { views: await freshViews("projector") };
    const a = await stocked(2);
    const b = await stocked(3, 4);
    const c = await stocked(5);
    const poison = streamRecord({ pk: `inventory#${ulid()}`, sk: 1, kind: "event", type: "StockReceived", data: "five" });
    const [bFirst, bSecond] = b.events;
    if (bFirst === undefined || bSecond === undefined) throw new Error("two receipts expected");
    // b's second receipt comes without its first: it must wait, and so must what follows it.
    const records = [...streamEvent([...a.events, bSecond]).Records, poison, ...streamEvent(c.events).Records];
    const { batchItemFailures } = await createProjector(inventoryView, ports)({ Records: records });

    const sequence = (i: number) => records[i]?.dynamodb?.SequenceNumber;
    expect(batchItemFailures.map((x) => x.itemIdentifier)).toEqual([sequence(1), sequence(2), sequence(3)]);
    expect(await getInventory(ports.views, a.bookId)).toMatchObject({ onHand: 2 });
    expect(await getInventory(ports.views, b.bookId)).toMatchObject({ onHand: 0, version: 0 });
    expect(await getInventory(ports.views, c.bookId)).toMatchObject({ onHand: 5 });
    expect(await deadLetters(ports.views).list(inventoryView.name)).toHaveLength(1);

    // The missing receipt arrives, then the batch again from its first failure, as the event
    // source mapping sends it: everything lands once.
    const again = await createProjector(inventoryView, ports)({ Records: [...streamEvent([bFirst]).Records, ...records.slice(1)] });
    expect(again.batchItemFailures).toEqual([]);
    expect(await getInventory(ports.views, b.bookId)).toMatchObject({ onHand: 7, version: 2 });
    expect(await getInventory(ports.views, c.bookId)).toMatchObject({ onHand: 5 });
    expect(await deadLetters(ports.views).list(inventoryView.name)).toHaveLength(1);
  });
});
