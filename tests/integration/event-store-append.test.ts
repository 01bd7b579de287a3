import { GetItemCommand, PutItemCommand, QueryCommand } from "@aws-sdk/client-dynamodb";
import { marshall } from "@aws-sdk/util-dynamodb";
import { isLeft, isRight, type Either } from "fp-ts/lib/Either.js";
import { beforeAll, describe, expect, it } from "vitest";
import { idOf, type StoredEvent, type StreamId } from "../../events/index.js";
import { itemSize, MAX_ITEM_BYTES } from "../../store/item-size.js";
import type { AppendError, AppendOutcome, AppendResult, NewEvent } from "../../store/types.js";
import { bookAdded, collect, freshStore, meta, newBookStream, priceChanged, type StoreFixture } from "../support/event-store-fixture.js";

let f: StoreFixture;
beforeAll(async () => {
  f = await freshStore("append");
});

const appended = (outcome: Either<AppendError, AppendOutcome>): AppendResult => {
  if (isLeft(outcome)) throw new Error(`expected an append, got ${JSON.stringify(outcome.left)}`);
  if (outcome.right.kind !== "Appended") throw new Error(`expected an append, got ${outcome.right.kind}`);
  return outcome.right;
};

const eventsOf = async (id: StreamId): Promise<StoredEvent[]> => {
  const loaded = await f.store.loadStream(id);
  if (isLeft(loaded)) throw new Error(loaded.left.reason);
  return [...loaded.right.events];
};

describe("append and read a stream", () => {
  it("reads back what was appended, in order, with the envelopes intact", async () => {
    const id = newBookStream();
    const first = appended(await f.store.append([{ streamId: id, expectedVersion: 0, events: [bookAdded(idOf(id))] }]));
    const second = appended(
      await f.store.append([{ streamId: id, expectedVersion: 1, events: [priceChanged(idOf(id), 1499), priceChanged(idOf(id), 999)] }]),
    );
    expect(second.versions).toEqual({ [id]: 3 });

    const read = await collect(f.store.readStream(id));
    expect(read.every(isRight)).toBe(true);
    const events = read.flatMap((r) => (isRight(r) ? [r.right] : []));
    expect(events).toEqual([...first.events, ...second.events]);
    expect(events.map((e) => e.version)).toEqual([1, 2, 3]);
    expect(events.map((e) => e.type)).toEqual(["BookAdded", "BookPriceChanged", "BookPriceChanged"]);
    expect(events[0]).toMatchObject({ streamId: id, schemaVersion: 2, meta: meta(), data: { authors: ["George Eliot"] } });
    expect(events[2]?.data).toEqual({ bookId: idOf(id), priceCents: 999, currency: "EUR" });
    const ids = events.map((e) => e.eventId);
    expect([...ids].sort()).toEqual(ids);
  });

  it("reads from a version, and loadStream reports the stream's version", async () => {
    const id = newBookStream();
    await f.store.append([
      { streamId: id, expectedVersion: 0, events: [bookAdded(idOf(id)), ...[100, 200, 300, 400].map((p) => priceChanged(idOf(id), p))] },
    ]);
    const tail = await collect(f.store.readStream(id, { fromVersion: 3, pageSize: 1 }));
    expect(tail.map((r) => (isRight(r) ? r.right.version : r.left))).toEqual([3, 4, 5]);

    const loaded = await f.store.loadStream(id, 4);
    expect(isRight(loaded) && loaded.right.events.map((e) => e.data)).toEqual([
      { bookId: idOf(id), priceCents: 300, currency: "EUR" },
      { bookId: idOf(id), priceCents: 400, currency: "EUR" },
    ]);
    expect(isRight(loaded) && loaded.right.version).toBe(5);
    expect(await f.store.streamVersion(id)).toBe(5);
    expect(await f.store.streamVersion(newBookStream())).toBe(0);
  });
});

describe("optimistic concurrency", () => {
  it("lets exactly one of two appends at the same expected version win", async () => {
    const id = newBookStream();
    await f.store.append([{ streamId: id, expectedVersion: 0, events: [bookAdded(idOf(id))] }]);
    const outcomes = await Promise.all(
      [111, 222].map((p) => f.store.append([{ streamId: id, expectedVersion: 1, events: [priceChanged(idOf(id), p)] }])),
    );
    expect(outcomes.filter(isRight)).toHaveLength(1);
    const losers = outcomes.filter(isLeft);
    expect(losers.map((o) => o.left)).toEqual([{ kind: "ConcurrencyError", streams: [{ streamId: id, expectedVersion: 1 }] }]);
    expect((await eventsOf(id)).map((e) => e.version)).toEqual([1, 2]);
  });

  it("refuses a stale expected version, a new stream that exists, and a version the stream has not reached", async () => {
    const id = newBookStream();
    await f.store.append([{ streamId: id, expectedVersion: 0, events: [bookAdded(idOf(id)), priceChanged(idOf(id), 1)] }]);
    for (const expectedVersion of [0, 1, 3, 7]) {
      const outcome = await f.store.append([{ streamId: id, expectedVersion, events: [priceChanged(idOf(id), 5)] }]);
      expect(outcome).toEqual({ _tag: "Left", left: { kind: "ConcurrencyError", streams: [{ streamId: id, expectedVersion }] } });
    }
    expect((await eventsOf(id)).map((e) => e.version)).toEqual([1, 2]);
  });

  it("writes nothing at all when one stream of a multi-stream append is stale", async () => {
    const [a, b, c] = [newBookStream(), newBookStream(), newBookStream()];
    await f.store.append([
      { streamId: a, expectedVersion: 0, events: [bookAdded(idOf(a))] },
      { streamId: b, expectedVersion: 0, events: [bookAdded(idOf(b)), priceChanged(idOf(b), 1)] },
    ]);
    const outcome = await f.store.append([
      { streamId: a, expectedVersion: 1, events: [priceChanged(idOf(a), 2)] },
      { streamId: b, expectedVersion: 1, events: [priceChanged(idOf(b), 2)] },
      { streamId: c, expectedVersion: 0, events: [bookAdded(idOf(c))] },
    ]);
    expect(outcome).toEqual({ _tag: "Left", left: { kind: "ConcurrencyError", streams: [{ streamId: b, expectedVersion: 1 }] } });
    expect((await eventsOf(a)).map((e) => e.version)).toEqual([1]);
    expect((await eventsOf(b)).map((e) => e.version)).toEqual([1, 2]);
    expect(await eventsOf(c)).toEqual([]);
  });

  it("checks a stream it appends nothing to, so a decision can rest on a stream it only read", async () => {
    const [book, other] = [newBookStream(), newBookStream()];
    await f.store.append([{ streamId: book, expectedVersion: 0, events: [bookAdded(idOf(book))] }]);
    const ok = await f.store.append([
      { streamId: book, expectedVersion: 1, events: [] },
      { streamId: other, expectedVersion: 0, events: [bookAdded(idOf(other))] },
    ]);
    expect(isRight(ok)).toBe(true);
    await f.store.append([{ streamId: book, expectedVersion: 1, events: [priceChanged(idOf(book), 3)] }]);
    const stale = await f.store.append([
      { streamId: book, expectedVersion: 1, events: [] },
      { streamId: other, expectedVersion: 1, events: [priceChanged(idOf(other), 4)] },
    ]);
    expect(stale).toEqual({ _tag: "Left", left: { kind: "ConcurrencyError", streams: [{ streamId: book, expectedVersion: 1 }] } });
    expect(await f.store.streamVersion(other)).toBe(1);
  });
});

describe("idempotent commands", () => {
  it("appends once for the same command id and answers the repeat with the first result", async () => {
    const id = newBookStream();
    const command = { id: `checkout-${idOf(id)}`, requestHash: "sha256:abc", result: { orderId: "order-1", lines: [1, 2] } };
    const first = appended(await f.store.append([{ streamId: id, expectedVersion: 0, events: [bookAdded(idOf(id))] }], { command }));
    const again = await f.store.append(
      [{ streamId: id, expectedVersion: 1, events: [priceChanged(idOf(id), 5)] }],
      { command: { ...command, requestHash: "sha256:other", result: "ignored" } },
    );
    expect(again).toEqual({
      _tag: "Right",
      right: {
        kind: "DuplicateCommand",
        commandId: command.id,
        requestHash: "sha256:abc",
        result: { orderId: "order-1", lines: [1, 2] },
        versions: first.versions,
        recordedAt: expect.stringMatching(/^\d{4}-/),
      },
    });
    expect((await eventsOf(id)).map((e) => e.type)).toEqual(["BookAdded"]);
  });

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
  const prices = (id: StreamId, n: number): NewEvent[] => Array.from({ length: n }, (_, i) => priceChanged(idOf(id), i));
  const manyEvents = (id: StreamId, n: number): NewEvent[] => [bookAdded(idOf(id)), ...prices(id, n - 1)];

  it("refuses 101 events with a message that says why, and writes nothing", async () => {
    const id = newBookStream();
    const outcome = await f.store.append([{ streamId: id, expectedVersion: 0, events: manyEvents(id, 101) }]);
    expect(isLeft(outcome) && outcome.left).toMatchObject({ kind: "TooManyItems", items: 101, limit: 100 });
    expect(isLeft(outcome) && "message" in outcome.left && outcome.left.message).toMatch(/101 items .* at most 100/);
    expect(await eventsOf(id)).toEqual([]);
  });

  it("counts the idempotency record and any version check, and takes exactly 100 items", async () => {
    const id = newBookStream();
    const withCommand = await f.store.append([{ streamId: id, expectedVersion: 0, events: manyEvents(id, 100) }], { command: { id: `c-${idOf(id)}` } });
    expect(isLeft(withCommand) && withCommand.left.kind).toBe("TooManyItems");
    appended(await f.store.append([{ streamId: id, expectedVersion: 0, events: manyEvents(id, 100) }]));
    // A process that has not seen version 100 must prove it exists: one check more than 100 events.
    const elsewhere = f.storeWith({});
    const checked = await elsewhere.append([{ streamId: id, expectedVersion: 100, events: prices(id, 100) }]);
    expect(isLeft(checked) && checked.left.kind).toBe("TooManyItems");
    expect(await f.store.streamVersion(id)).toBe(100);
    // The writer that saw version 100 needs no such check.
    appended(await f.store.append([{ streamId: id, expectedVersion: 100, events: prices(id, 100) }]));
    expect(await f.store.streamVersion(id)).toBe(200);
  });

  it("refuses a 500 KB event with a message that says why, and writes nothing", async () => {
    const [id, other] = [newBookStream(), newBookStream()];
    const outcome = await f.store.append([
      { streamId: other, expectedVersion: 0, events: [bookAdded(idOf(other))] },
      { streamId: id, expectedVersion: 0, events: [bookAdded(idOf(id), "x".repeat(500 * 1024))] },
    ]);
    expect(isLeft(outcome) && outcome.left).toMatchObject({ kind: "ItemTooLarge", pk: id, limit: MAX_ITEM_BYTES });
    expect(isLeft(outcome) && "message" in outcome.left && outcome.left.message).toMatch(/BookAdded event .* at most 409,600 bytes per item/);
    expect(await eventsOf(id)).toEqual([]);
    expect(await eventsOf(other)).toEqual([]);
  });

  it("refuses an append whose items together pass 4 MB, and writes nothing", async () => {
    const id = newBookStream();
    const big = Array.from({ length: 12 }, () => bookAdded(idOf(id), "y".repeat(360 * 1024)));
    const outcome = await f.store.append([{ streamId: id, expectedVersion: 0, events: big }]);
    expect(isLeft(outcome) && outcome.left).toMatchObject({ kind: "TransactionTooLarge", limit: 4 * 1024 * 1024 });
    expect(isLeft(outcome) && "message" in outcome.left && outcome.left.message).toMatch(/at most 4,194,304 bytes in one transaction/);
    expect(await eventsOf(id)).toEqual([]);
    appended(await f.store.append([{ streamId: id, expectedVersion: 0, events: big.slice(0, 11) }]));
  });

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
