import { GetItemCommand, PutItemCommand, QueryCommand } from "@aws-sdk/client-dynamodb";
import { marshall } from "@aws-sdk/util-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import { idOf } from "../../events/index.js";
import { itemSize, MAX_ITEM_BYTES } from "../../store/item-size.js";
import { appendContract } from "../support/event-store-contract.js";
import { appended, bookAdded, freshStore, newBookStream, type StoreFixture } from "../support/event-store-fixture.js";

let f: StoreFixture;
beforeAll(async () => {
  f = await freshStore("append");
});

appendContract(() => f);

// What follows is about DynamoDB's items themselves, which only the DynamoDB store has.
describe("idempotent commands", () => {
  it("tags the idempotency record and the hour registry as non-events, outside the time index", async () => {
    const id = newBookStream();
    const commandId = `tag-${idOf(id)}`;
    await f.store.append([{ streamId: id, expectedVersion: 0, events: [bookAdded(idOf(id))] }], { command: { id: commandId } });
    const record = await f.client.send(
      new GetItemCommand({ TableName: f.names.events, Key: { pk: { S: `command#${commandId}` }, sk: { N: "0" } } }),
    );
    expect(record.Item?.kind).toEqual({ S: "command" });
    expect(record.Item?.gsi1pk).toBeUndefined();
    expect(Number(record.Item?.expiresAt?.N)).toBeGreaterThan(Date.now() / 1000);
    const hours = await f.client.send(
      new QueryCommand({ TableName: f.names.events, KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": { S: "_buckets" } } }),
    );
    expect(hours.Items?.length).toBeGreaterThan(0);
    expect(hours.Items?.every((i) => i.kind?.S === "bucket" && i.gsi1pk === undefined)).toBe(true);
  });
});

describe("DynamoDB limits, checked before the call", () => {
  it("sizes items as DynamoDB does: the largest item it allows is accepted, one byte more is refused", async () => {
    // Find the description length whose item is exactly at the limit, then let DynamoDB judge both sides.
    const id = newBookStream();
    const probe = appended(await f.store.append([{ streamId: id, expectedVersion: 0, events: [bookAdded(idOf(id), "")] }])).events[0];
    const item = (description: string, version: number) => {
      const raw = { ...probe, version, data: { ...(probe?.data ?? {}), description } };
      return marshall({ pk: id, sk: version, kind: "event", ...raw }, { removeUndefinedValues: true });
    };
    const room = MAX_ITEM_BYTES - itemSize(item("", 2));
    const largest = item("é".repeat(Math.floor(room / 2)) + "x".repeat(room % 2), 2);
    expect(itemSize(largest)).toBe(MAX_ITEM_BYTES);
    await f.client.send(new PutItemCommand({ TableName: f.names.events, Item: largest }));
    const tooBig = item("é".repeat(Math.floor(room / 2)) + "x".repeat(room % 2) + "x", 3);
    await expect(f.client.send(new PutItemCommand({ TableName: f.names.events, Item: tooBig }))).rejects.toThrow(/size/i);
  });
});
