import { isLeft, isRight } from "fp-ts/lib/Either.js";
import { decodeTime, ulid } from "ulid";
import { beforeAll, describe, expect, it } from "vitest";
import { idOf, streamId, type StoredEvent, type StreamId } from "../../events/index.js";
import { MAX_ITEM_BYTES } from "../../store/item-size.js";
import type { SnapshotStore } from "../../store/snapshots.js";
import type { EventStore, NewEvent, ReadResult } from "../../store/types.js";
import { type AnyStoreFixture, appended, bookAdded, collect, meta, newBookStream, priceChanged } from "./event-store-fixture.js";

/**
 * What the `EventStore` interface promises, whichever store keeps the events: each function
 * runs its tests against the fixture it is given (made by the test file's own `beforeAll`), so
 * the DynamoDB store and the in-memory store answer to the very same assertions. What only
 * DynamoDB shows (its items, index, pages, transaction conflicts, real concurrency) is tested
 * beside it, on DynamoDB Local alone.
 */

/** Appending: versions, atomic multi-stream appends, command ids, counters and DynamoDB's limits. */
export const appendContract = (fixture: () => AnyStoreFixture): void => {
  let f: AnyStoreFixture;
  beforeAll(() => {
    f = fixture();
  });

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
  });

  describe("idempotent commands", () => {
    it("finds the record of a command that ran, and none of a command that did not", async () => {
      const id = newBookStream();
      const commandId = `find-${idOf(id)}`;
      expect(await f.store.findCommand(commandId)).toBeUndefined();
      await f.store.append([{ streamId: id, expectedVersion: 0, events: [bookAdded(idOf(id))] }], {
        command: { id: commandId, requestHash: "sha256:def", result: { bookId: idOf(id) } },
      });
      expect(await f.store.findCommand(commandId)).toEqual({
        kind: "DuplicateCommand",
        commandId,
        requestHash: "sha256:def",
        result: { bookId: idOf(id) },
        versions: { [id]: 1 },
        recordedAt: expect.stringMatching(/^\d{4}-/),
      });
      expect(await f.store.findCommand(`find-${ulid()}`)).toBeUndefined();
    });
  });

  describe("counters", () => {
    const newCounter = async (values: Record<string, number>): Promise<string> => {
      const key = `stock#${ulid()}`;
      expect(await f.store.createCounter(key, values)).toBe(true);
      return key;
    };
    const take = (key: string, n: number) => ({ key, add: { available: -n }, atLeast: { available: n } });
    const valuesOf = async (key: string) => (await f.store.readCounters([key])).get(key);

    it("creates a counter once, and reads counters by key, leaving out those never made", async () => {
      const key = await newCounter({ available: 3 });
      expect(await f.store.createCounter(key, { available: 99 })).toBe(false);
      expect(await f.store.readCounters([key, key, `stock#${ulid()}`])).toEqual(new Map([[key, { available: 3 }]]));
      expect(await f.store.readCounters([])).toEqual(new Map());
    });

    it("changes counters in the same append as the events, counting an attribute it lacks from zero", async () => {
      const key = await newCounter({ available: 5 });
      const id = newBookStream();
      appended(
        await f.store.append([{ streamId: id, expectedVersion: 0, events: [bookAdded(idOf(id))] }], {
          counters: [{ ...take(key, 2), add: { available: -2, sold: 2 } }],
        }),
      );
      expect(await valuesOf(key)).toEqual({ available: 3, sold: 2 });
      expect((await eventsOf(id)).map((e) => e.version)).toEqual([1]);
    });

    it("refuses a change past its guard, naming the counter and its values, and writes nothing", async () => {
      const key = await newCounter({ available: 1 });
      const other = await newCounter({ available: 10 });
      const id = newBookStream();
      const outcome = await f.store.append([{ streamId: id, expectedVersion: 0, events: [bookAdded(idOf(id))] }], {
        counters: [take(other, 1), take(key, 2)],
      });
      expect(outcome).toEqual({ _tag: "Left", left: { kind: "ConcurrencyError", streams: [], counters: [{ key, current: { available: 1 } }] } });
      expect(await eventsOf(id)).toEqual([]);
      expect(await valuesOf(key)).toEqual({ available: 1 });
      expect(await valuesOf(other)).toEqual({ available: 10 });
    });

    it("refuses a change of a counter never made, with no values to name", async () => {
      const key = `stock#${ulid()}`;
      const id = newBookStream();
      const outcome = await f.store.append([{ streamId: id, expectedVersion: 0, events: [bookAdded(idOf(id))] }], {
        counters: [{ key, add: { available: 1 } }],
      });
      expect(outcome).toEqual({ _tag: "Left", left: { kind: "ConcurrencyError", streams: [], counters: [{ key }] } });
      expect(await eventsOf(id)).toEqual([]);
      expect(await f.store.readCounters([key])).toEqual(new Map());
    });

    it("names both a stale stream and a refused guard of one append", async () => {
      const key = await newCounter({ available: 0 });
      const id = newBookStream();
      appended(await f.store.append([{ streamId: id, expectedVersion: 0, events: [bookAdded(idOf(id))] }]));
      const outcome = await f.store.append([{ streamId: id, expectedVersion: 0, events: [priceChanged(idOf(id), 5)] }], { counters: [take(key, 1)] });
      expect(outcome).toEqual({
        _tag: "Left",
        left: { kind: "ConcurrencyError", streams: [{ streamId: id, expectedVersion: 0 }], counters: [{ key, current: { available: 0 } }] },
      });
      expect((await eventsOf(id)).map((e) => e.type)).toEqual(["BookAdded"]);
    });

    it("lets appends to different streams take from one counter at once: all within the guard succeed, the rest are refused", async () => {
      const key = await newCounter({ available: 2 });
      const ids = [newBookStream(), newBookStream(), newBookStream()];
      const outcomes = await Promise.all(
        ids.map((id) => f.store.append([{ streamId: id, expectedVersion: 0, events: [bookAdded(idOf(id))] }], { counters: [take(key, 1)] })),
      );
      expect(outcomes.filter(isRight)).toHaveLength(2);
      expect(outcomes.flatMap((o) => (isLeft(o) ? [o.left] : []))).toEqual([
        { kind: "ConcurrencyError", streams: [], counters: [{ key, current: { available: 0 } }] },
      ]);
      expect(await valuesOf(key)).toEqual({ available: 0 });
      const written = await Promise.all(ids.map(async (id) => (await eventsOf(id)).length));
      expect(written.sort()).toEqual([0, 1, 1]);
    });

    it("changes no counter for a repeated command", async () => {
      const key = await newCounter({ available: 5 });
      const id = newBookStream();
      const command = { id: `counted-${idOf(id)}` };
      appended(await f.store.append([{ streamId: id, expectedVersion: 0, events: [bookAdded(idOf(id))] }], { command, counters: [take(key, 1)] }));
      const again = await f.store.append([{ streamId: id, expectedVersion: 1, events: [priceChanged(idOf(id), 5)] }], {
        command,
        counters: [take(key, 1)],
      });
      expect(isRight(again) && again.right.kind).toBe("DuplicateCommand");
      expect(await valuesOf(key)).toEqual({ available: 4 });
    });

    it("throws for a change that adds nothing: a bug, not a refusal", async () => {
      const key = await newCounter({ available: 5 });
      const id = newBookStream();
      await expect(f.store.append([{ streamId: id, expectedVersion: 0, events: [bookAdded(idOf(id))] }], { counters: [{ key, add: {} }] })).rejects.toThrow(
        /adds nothing/,
      );
      expect(await eventsOf(id)).toEqual([]);
    });
  });
};

/** Reading a stream: what is not an event, or does not decode, never crashes a reader. */
export const readContract = (fixture: () => AnyStoreFixture): void => {
  let f: AnyStoreFixture;
  beforeAll(() => {
    f = fixture();
  });

  describe("reading a stream", () => {
    it("leaves out the other items of the stream's partition: its snapshot is no event", async () => {
      const id = newBookStream();
      await f.store.append([{ streamId: id, expectedVersion: 0, events: [bookAdded(idOf(id)), priceChanged(idOf(id), 5)] }]);
      await f.plant({ pk: id, sk: 0, kind: "snapshot", version: 2, schema: "book/1", state: {} });
      const read = await collect(f.store.readStream(id, { fromVersion: 0 }));
      expect(read.map((r) => (isRight(r) ? r.right.version : r.left))).toEqual([1, 2]);
      expect(await f.store.streamVersion(id)).toBe(2);
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
        await f.plant(item);
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
};

/** readAll: every event once, in eventId order, within a window, whoever wrote it and however it stops. */
export const readAllContract = (fixture: () => AnyStoreFixture): void => {
  let f: AnyStoreFixture;
  beforeAll(() => {
    f = fixture();
  });

  const HOUR = 3_600_000;
  const start = Date.parse("2024-03-01T09:20:00.000Z");
  const appends = 200;
  const perAppend = 50;

  let written: string[];

  const idsOf = (results: ReadResult[]): string[] =>
    results.map((r) => {
      if (!isRight(r)) throw new Error(r.left.reason);
      return r.right.eventId;
    });

  beforeAll(async () => {
    // Two writers with different shard settings, as two deployments overlapping would be, on one
    // clock that walks through five hours.
    let now = start;
    const clock = () => new Date(now);
    const stores: EventStore[] = [f.storeWith({ clock, shards: 4 }), f.storeWith({ clock, shards: 7 })];
    written = [];
    const lanes = 8;
    await Promise.all(
      Array.from({ length: lanes }, async (_, lane) => {
        for (let n = lane; n < appends; n += lanes) {
          const stream = streamId("book", `all-${n}`);
          const events: NewEvent[] = [bookAdded(idOf(stream)), ...Array.from({ length: perAppend - 1 }, (_, i) => priceChanged(idOf(stream), i))];
          const outcome = await (stores[n % 2] as EventStore).append([{ streamId: stream, expectedVersion: 0, events }]);
          if (!isRight(outcome) || outcome.right.kind !== "Appended") throw new Error(`append ${n} failed`);
          written.push(...outcome.right.events.map((e) => e.eventId));
          now += (5 * HOUR) / appends;
        }
      }),
    );
  }, 900_000); // 10,000 events; the whole suite shares one DynamoDB Local, so this may wait its turn.

  describe("readAll", () => {
    it("returns every event exactly once, in ULID order, across hours and shards", async () => {
      expect(written).toHaveLength(appends * perAppend);
      const hours = new Set(written.map((id) => Math.floor(decodeTime(id) / HOUR)));
      expect(hours.size).toBeGreaterThanOrEqual(5);

      const ids = idsOf(await collect(f.store.readAll({ pageSize: 300 })));
      expect(ids).toHaveLength(written.length);
      expect(ids).toEqual([...written].sort());
      expect(ids.every((id, i) => i === 0 || (ids[i - 1] as string) < id)).toBe(true);
    });

    it("reads a window given by ISO times or by event ids, `from` included and `to` excluded", async () => {
      const sorted = [...written].sort();
      const from = new Date(start + 1.5 * HOUR).toISOString();
      const to = new Date(start + 3.25 * HOUR).toISOString();
      const inWindow = sorted.filter((id) => decodeTime(id) >= Date.parse(from) && decodeTime(id) < Date.parse(to));
      expect(inWindow.length).toBeGreaterThan(0);
      expect(idsOf(await collect(f.store.readAll({ from, to })))).toEqual(inWindow);

      const [a, b] = [sorted[1234] as string, sorted[7890] as string];
      expect(idsOf(await collect(f.store.readAll({ from: a, to: b })))).toEqual(sorted.slice(1234, 7890));
      expect(idsOf(await collect(f.store.readAll({ from: b })))).toEqual(sorted.slice(7890));
    });

    it("a reader that stops part-way (pages and the next hour already read ahead) stops cleanly, and the next read is whole", async () => {
      const sorted = [...written].sort();
      for (const stopAt of [1, 777, 2500]) {
        const seen: string[] = [];
        for await (const result of f.store.readAll({ pageSize: 100 })) {
          seen.push(...idsOf([result]));
          if (seen.length === stopAt) break;
        }
        expect(seen).toEqual(sorted.slice(0, stopAt));
      }
      expect(idsOf(await collect(f.store.readAll({ pageSize: 100 })))).toEqual(sorted);
    });
  });
};

/** Snapshots: the newest one written is read back; an older one never replaces it; one that does not decode is none. */
export const snapshotStoreContract = (fixture: () => { readonly snapshots: SnapshotStore; readonly plant: AnyStoreFixture["plant"] }): void => {
  let f: { readonly snapshots: SnapshotStore; readonly plant: AnyStoreFixture["plant"] };
  beforeAll(() => {
    f = fixture();
  });

  describe("a snapshot store", () => {
    it("reads back the newest snapshot written, and none for a stream without one", async () => {
      const streamId = newBookStream();
      expect(await f.snapshots.read(streamId)).toBeUndefined();
      const snapshot = { streamId, version: 5, schema: "book/1", state: { title: "Middlemarch", tags: [], price: { cents: 1299 } } };
      expect(await f.snapshots.write(snapshot)).toBe(true);
      expect(await f.snapshots.read(streamId)).toEqual(snapshot);
    });

    it("never lets an older or equal snapshot replace a newer one", async () => {
      const streamId = newBookStream();
      expect(await f.snapshots.write({ streamId, version: 5, schema: "book/1", state: { at: 5 } })).toBe(true);
      expect(await f.snapshots.write({ streamId, version: 3, schema: "book/1", state: { at: 3 } })).toBe(false);
      expect(await f.snapshots.write({ streamId, version: 5, schema: "book/1", state: { at: "5 again" } })).toBe(false);
      expect(await f.snapshots.read(streamId)).toMatchObject({ version: 5, state: { at: 5 } });
      expect(await f.snapshots.write({ streamId, version: 7, schema: "book/2", state: { at: 7 } })).toBe(true);
      expect(await f.snapshots.read(streamId)).toEqual({ streamId, version: 7, schema: "book/2", state: { at: 7 } });
    });

    it("answers none for an item in the snapshot's place that is not one", async () => {
      const streamId = newBookStream();
      await f.plant({ pk: streamId, sk: 0, kind: "snapshot", version: "seven", schema: "book/1", state: {} });
      expect(await f.snapshots.read(streamId)).toBeUndefined();
    });
  });
};
