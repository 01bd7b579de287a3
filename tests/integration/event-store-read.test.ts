import { PutItemCommand, QueryCommand } from "@aws-sdk/client-dynamodb";
import { marshall } from "@aws-sdk/util-dynamodb";
import { isLeft, isRight } from "fp-ts/lib/Either.js";
import { beforeAll, describe, expect, it } from "vitest";
import { idOf, type StreamId } from "../../events/index.js";
import { bookAdded, collect, freshStore, meta, newBookStream, priceChanged, type StoreFixture } from "../support/event-store-fixture.js";

let f: StoreFixture;
beforeAll(async () => {
  f = await freshStore("read");
});

const letter = (i: number): string => String.fromCharCode(97 + i);

describe("reading a stream", () => {
  it("follows DynamoDB's pages past 1 MB and returns every event in order", async () => {
    const id = newBookStream();
    const events = 14;
    let version = 0;
    for (let i = 0; i < events; i++) {
      // About 100 KB each: fourteen of them cannot come back in one 1 MB page.
      const event = bookAdded(idOf(id), letter(i).repeat(100_000));
      const outcome = await f.store.append([{ streamId: id, expectedVersion: version, events: [event] }]);
      expect(isRight(outcome)).toBe(true);
      version++;
    }
    const firstPage = await f.client.send(
      new QueryCommand({ TableName: f.names.events, KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": { S: id } } }),
    );
    expect(firstPage.LastEvaluatedKey).toBeDefined();
    expect(firstPage.Items?.length).toBeLessThan(events);

    const read = await collect(f.store.readStream(id));
    expect(read.map((r) => (isRight(r) ? r.right.version : r.left))).toEqual(Array.from({ length: events }, (_, i) => i + 1));
    expect(read.map((r) => isRight(r) && r.right.type === "BookAdded" && r.right.data.description)).toEqual(
      Array.from({ length: events }, (_, i) => letter(i).repeat(100_000)),
    );
  });

  describe("an item planted by hand that does not decode", () => {
    const plant = async (id: StreamId, version: number, fields: Record<string, unknown>) => {
      const item = {
        pk: id,
        sk: version,
        kind: "event",
        eventId: "01J9ZQ3ZK7Q2W4X5Y6Z7A8B9C0",
        type: "BookPriceChanged",
        schemaVersion: 1,
        streamId: id,
        version,
        occurredAt: "2024-10-01T12:00:00.000Z",
        data: { bookId: idOf(id), priceCents: 100, currency: "EUR" },
        meta: meta(),
        ...fields,
      };
      await f.client.send(new PutItemCommand({ TableName: f.names.events, Item: marshall(item) }));
    };

    it("yields the typed decode error in its place and the good events around it", async () => {
      const id = newBookStream();
      await f.store.append([{ streamId: id, expectedVersion: 0, events: [bookAdded(idOf(id))] }]);
      await plant(id, 2, { data: { bookId: idOf(id), priceCents: "twelve", currency: "EUR" } });
      await f.store.append([{ streamId: id, expectedVersion: 2, events: [priceChanged(idOf(id), 7)] }]);

      const read = await collect(f.store.readStream(id));
      expect(read.map((r) => r._tag)).toEqual(["Right", "Left", "Right"]);
      expect(read[1]).toEqual({
        _tag: "Left",
        left: expect.objectContaining({
          kind: "StoredItemDecodeError",
          pk: id,
          sk: 2,
          reason: expect.stringMatching(/BookPriceChanged v1: .*priceCents/),
          cause: expect.objectContaining({ kind: "InvalidPayload", type: "BookPriceChanged" }),
        }),
      });
      const loaded = await f.store.loadStream(id);
      expect(isLeft(loaded) && loaded.left).toMatchObject({ kind: "StoredItemDecodeError", pk: id, sk: 2 });
    });

    it.each([
      ["an unknown event type", { type: "BookBurned" }, /unknown event type "BookBurned"/],
      ["an unknown schema version", { schemaVersion: 9 }, /has no schema version 9/],
      ["a broken envelope", { eventId: "not-a-ulid", meta: "none" }, /not an event envelope: .*eventId.*meta/],
      ["an envelope that disagrees with its key", { version: 5 }, /envelope says .* v5/],
    ])("reports %s", async (_, fields, reason) => {
      const id = newBookStream();
      await plant(id, 1, fields);
      const read = await collect(f.store.readStream(id));
      expect(read).toEqual([{ _tag: "Left", left: expect.objectContaining({ kind: "StoredItemDecodeError", pk: id, sk: 1, reason: expect.stringMatching(reason) }) }]);
    });
  });
});
