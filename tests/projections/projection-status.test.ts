import { PutItemCommand } from "@aws-sdk/client-dynamodb";
import { ulid } from "ulid";
import { beforeAll, describe, expect, it } from "vitest";
import { streams } from "../../events/index.js";
import { createProjector } from "../../handlers/stream/projector.js";
import { createStreamPoller } from "../../local/stream-poller.js";
import { inventoryView } from "../../projections/inventory-view.js";
import { cartView } from "../../projections/cart-view.js";
import type { ViewPorts } from "../../projections/ports.js";
import { statusOf } from "../../projections/status.js";
import { freshCommands, type CommandsFixture } from "../support/commands-fixture.js";
import { documentClient, freshViews, streamEvent, streamRecord, streamsClient, stockedBook } from "../support/projections-fixture.js";

let f: CommandsFixture;
beforeAll(async () => {
  f = await freshCommands("status");
});

const stocked = (...receipts: number[]) => stockedBook(f, ...receipts);

describe("projection status", () => {
  it("before anything is applied: no last event, no lag, no dead letters", async () => {
    const ports: ViewPorts = { views: await freshViews("status") };
    expect(await statusOf(ports, [inventoryView])).toEqual([{ projection: "inventory-view", version: inventoryView.version, deadLetters: 0 }]);
  });

  it("names the newest event applied, when, the lag, and counts the dead letters", async () => {
    const ports: ViewPorts = { views: await freshViews("status") };
    const a = await stocked(1, 2);
    const b = await stocked(3);
    const poison = streamRecord({ pk: `inventory#${ulid()}`, sk: 1, kind: "event", type: "StockReceived", data: "three" });
    const appliedAt = new Date(Date.parse(b.events[0]?.occurredAt ?? "") + 1500);
    const projector = createProjector(inventoryView, ports, () => appliedAt);
    // Newest last in the batch is not required: the newest by event id wins.
    await projector({ Records: [...streamEvent([...b.events, ...a.events]).Records, poison] });

    const newest = b.events[0];
    if (newest === undefined) throw new Error("a receipt expected");
    const later = new Date(appliedAt.getTime() + 60_000);
    expect(await statusOf(ports, [inventoryView, cartView], later)).toEqual([
      {
        projection: "inventory-view",
        version: inventoryView.version,
        lastEvent: { eventId: newest.eventId, type: "StockReceived", streamId: newest.streamId, version: 1, occurredAt: newest.occurredAt, appliedAt: appliedAt.toISOString() },
        lagMs: 1500,
        sinceLastEventMs: 61_500,
        deadLetters: 1,
      },
      { projection: "cart-view", version: 1, deadLetters: 0 },
    ]);

    // An older batch coming again (a redelivery, another shard) does not move the status back.
    await projector(streamEvent(a.events));
    expect((await statusOf(ports, [inventoryView], later))[0]?.lastEvent?.eventId).toBe(newest.eventId);
  });

  it("is kept by the local poller too, dead letters included", async () => {
    const ports: ViewPorts = { views: { client: documentClient(f.client), tableName: f.names.views } };
    const blocked = `inventory#${ulid()}`;
    // Undecodable: straight to the dead letters.
    await f.client.send(
      new PutItemCommand({
        TableName: f.names.events,
        Item: { pk: { S: blocked }, sk: { N: "2" }, kind: { S: "event" }, type: { S: "StockReceived" }, data: { S: "x" } },
      }),
    );
    const last = await stocked(5);
    await createStreamPoller({ dynamo: f.client, streams: streamsClient(), eventsTable: f.names.events, projections: [inventoryView], ports, retryDelayMs: 1 }).catchUp();
    const [status] = await statusOf(ports, [inventoryView]);
    expect(status).toMatchObject({ lastEvent: { eventId: last.events[0]?.eventId, streamId: streams.inventory(last.bookId) }, deadLetters: 1 });
    expect(status?.lagMs).toBeGreaterThanOrEqual(0);
  });
});
