import type { DynamoDBStreamEvent } from "aws-lambda";
import { beforeAll, describe, expect, it } from "vitest";
import type { StoredEvent, StreamId } from "../../events/index.js";
import { createProjector } from "../../handlers/stream/projector.js";
import type { ViewPorts } from "../../projections/ports.js";
import type { Projection } from "../../projections/projection.js";
import { freshCommands, type CommandsFixture } from "./commands-fixture.js";
import { collect, type MemoryStoreFixture } from "./event-store-fixture.js";
import { eventsOf, streamEvent, tradeADay, type Shop } from "./projections-fixture.js";

export interface ReadModelContract<P extends ViewPorts> {
  readonly projection: Projection<P>;
  /** Empty read-model storage of its own on each call. */
  readonly freshPorts: () => Promise<P>;
  readonly streamsOf: (shop: Shop) => readonly StreamId[];
  /** What the query functions answer about the shop. */
  readonly read: (ports: P, shop: Shop) => Promise<unknown>;
  /** What they must answer after the day of trading. */
  readonly expected: (shop: Shop) => unknown;
}

/**
 * The promises every read model keeps under at-least-once, per-item-ordered delivery: the
 * same answer after duplicates, a whole batch again, an old event after a newer one, events
 * early (failed, then delivered again as the mapping does) and a replay from scratch.
 */
export const readModelContract = <P extends ViewPorts>(c: ReadModelContract<P>): void => {
  let f: CommandsFixture<MemoryStoreFixture>;
  let shop: Shop;
  let events: StoredEvent[];
  beforeAll(async () => {
    // The events come from the command handler on the in-memory store: read models see only events.
    f = await freshCommands(c.projection.name, {}, "memory");
    shop = await tradeADay(f);
    // Interleaved across streams by event id, as one shard of the events table's stream would be.
    events = (await eventsOf(f.store, c.streamsOf(shop))).sort((a, b) => a.eventId.localeCompare(b.eventId));
  });

  /** Delivers like the event source mapping: a reported failure comes again, from there on. */
  const deliver = async (ports: P, batch: DynamoDBStreamEvent, maxRounds = 20) => {
    const project = createProjector(c.projection, ports);
    let pending = batch.Records;
    const failures: string[] = [];
    for (let round = 0; pending.length > 0; round++) {
      if (round === maxRounds) throw new Error(`still failing after ${maxRounds} deliveries`);
      const { batchItemFailures } = await project({ Records: pending });
      failures.push(...batchItemFailures.map((b) => b.itemIdentifier));
      const first = pending.findIndex((r) => r.dynamodb?.SequenceNumber === batchItemFailures[0]?.itemIdentifier);
      pending = batchItemFailures.length === 0 ? [] : pending.slice(first);
    }
    return failures;
  };

  describe(`${c.projection.name} read model`, () => {
    it("answers what the day of trading says", async () => {
      const ports = await c.freshPorts();
      expect(await deliver(ports, streamEvent(events))).toEqual([]);
      expect(await c.read(ports, shop)).toEqual(c.expected(shop));
    });

    it("ignores every event delivered twice in a row", async () => {
      const ports = await c.freshPorts();
      await deliver(ports, streamEvent(events.flatMap((e) => [e, e])));
      expect(await c.read(ports, shop)).toEqual(c.expected(shop));
    });

    it("ignores a whole batch delivered again, and an old event after newer ones", async () => {
      const ports = await c.freshPorts();
      await deliver(ports, streamEvent(events));
      await deliver(ports, streamEvent(events));
      await deliver(ports, streamEvent(events.slice(0, 3)));
      expect(await c.read(ports, shop)).toEqual(c.expected(shop));
    });

    it("fails an event delivered before its predecessor, and converges once that one arrives", async () => {
      const ports = await c.freshPorts();
      const project = createProjector(c.projection, ports);
      // Newest first, each in a delivery of its own; what fails comes again, in the same order.
      let pending = [...events].reverse();
      let failed = 0;
      for (let round = 0; pending.length > 0; round++) {
        if (round === 20) throw new Error("did not converge");
        const outcomes = [];
        for (const e of pending) outcomes.push({ e, failed: (await project(streamEvent([e]))).batchItemFailures.length > 0 });
        pending = outcomes.filter((o) => o.failed).map((o) => o.e);
        failed += pending.length;
      }
      expect(failed).toBeGreaterThan(0);
      expect(await c.read(ports, shop)).toEqual(c.expected(shop));
    });

    it("replays from scratch out of the store's readAll into the same answer", async () => {
      const ports = await c.freshPorts();
      const all = (await collect(f.store.readAll())).flatMap((r) => (r._tag === "Right" ? [r.right] : []));
      const ours = new Set<string>(c.projection.eventTypes);
      await deliver(ports, streamEvent(all.filter((e) => ours.has(e.type))));
      expect(await c.read(ports, shop)).toEqual(c.expected(shop));
    });
  });
};
