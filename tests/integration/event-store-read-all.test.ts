import { isRight } from "fp-ts/lib/Either.js";
import { decodeTime } from "ulid";
import { beforeAll, describe, expect, it } from "vitest";
import { idOf, streamId } from "../../events/index.js";
import type { EventStore, NewEvent, ReadResult } from "../../store/types.js";
import { bookAdded, collect, freshStore, priceChanged, type StoreFixture } from "../support/event-store-fixture.js";

const HOUR = 3_600_000;
const start = Date.parse("2024-03-01T09:20:00.000Z");
const appends = 200;
const perAppend = 50;

let f: StoreFixture;
let written: string[];

const idsOf = (results: ReadResult[]): string[] =>
  results.map((r) => {
    if (!isRight(r)) throw new Error(r.left.reason);
    return r.right.eventId;
  });

beforeAll(async () => {
  f = await freshStore("readall");
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

