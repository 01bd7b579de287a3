import fc from "fast-check";
import { isLeft, isRight } from "fp-ts/lib/Either.js";
import { beforeAll, describe, expect, it } from "vitest";
import { idOf, streamId } from "../../events/index.js";
import { bookAdded, freshStore, priceChanged, type StoreFixture } from "../support/event-store-fixture.js";

let f: StoreFixture;
beforeAll(async () => {
  f = await freshStore("concurrency");
});

let run = 0;
let conflicts = 0;

describe("many concurrent writers", () => {
  it("keep every stream gap-free with no duplicate versions", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 3 }),
        // Per writer: a list of (stream index, events per append, whether it trusts a stale version).
        fc.array(fc.array(fc.tuple(fc.nat(2), fc.integer({ min: 1, max: 3 }), fc.boolean()), { minLength: 1, maxLength: 6 }), {
          minLength: 2,
          maxLength: 8,
        }),
        async (streamCount, writers) => {
          run++;
          const streams = Array.from({ length: streamCount }, (_, i) => streamId("book", `prop-${run}-${i}`));
          const written = new Map<string, number>(streams.map((s) => [s, 0]));
          const cached = new Map<string, number>();
          await Promise.all(
            writers.map(async (plan) => {
              for (const [pick, count, trustCache] of plan) {
                const stream = streams[pick % streamCount] as (typeof streams)[number];
                const version = trustCache && cached.has(stream) ? (cached.get(stream) as number) : await f.store.streamVersion(stream);
                const events = Array.from({ length: count }, (_, i) =>
                  version + i === 0 ? bookAdded(idOf(stream)) : priceChanged(idOf(stream), version + i),
                );
                const outcome = await f.store.append([{ streamId: stream, expectedVersion: version, events }]);
                if (isRight(outcome)) {
                  written.set(stream, (written.get(stream) ?? 0) + count);
                  cached.set(stream, version + count);
                } else {
                  expect(outcome.left).toEqual({ kind: "ConcurrencyError", streams: [{ streamId: stream, expectedVersion: version }] });
                  conflicts++;
                }
              }
            }),
          );
          for (const stream of streams) {
            const loaded = await f.store.loadStream(stream);
            if (isLeft(loaded)) throw new Error(loaded.left.reason);
            const versions = loaded.right.events.map((e) => e.version);
            expect(versions).toEqual(Array.from({ length: written.get(stream) ?? 0 }, (_, i) => i + 1));
            expect(new Set(loaded.right.events.map((e) => e.eventId)).size).toBe(versions.length);
            // Only the first event of a stream may be BookAdded: no writer ever overwrote another's head.
            expect(loaded.right.events.filter((e) => e.type === "BookAdded").map((e) => e.version)).toEqual(versions.length > 0 ? [1] : []);
          }
        },
      ),
      { numRuns: 12 },
    );
    // The property means little unless writers did collide.
    expect(conflicts).toBeGreaterThan(0);
  });
});
