import { left, right } from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { replayBatches } from "../../cli/replay-batches.js";
import type { StoredEvent } from "../../events/index.js";
import type { ReadResult } from "../../store/index.js";

const event = (eventId: string, type: string) => right({ eventId, type } as StoredEvent);
const broken = left({ kind: "StoredItemDecodeError", pk: "order#x", sk: 1, reason: "not an event envelope" } as const);

async function* source(results: readonly ReadResult[]) {
  yield* results;
}

const batches = async (results: readonly ReadResult[], after?: string) => {
  const out = [];
  for await (const b of replayBatches(source(results), { wanted: ["OrderPaid"], batchSize: 2, ...(after === undefined ? {} : { after }) })) {
    out.push({ ids: b.events.map((e) => e.eventId), upTo: b.upTo, scanned: b.scanned, undecodable: b.undecodable, endsAtUpTo: b.endsAtUpTo });
  }
  return out;
};

describe("replay batches", () => {
  it("say whether anything was read after a batch's last event, so that a read going on after it counts nothing twice", async () => {
    const results: ReadResult[] = [event("A1", "OrderPaid"), event("A2", "OrderPlaced"), event("A3", "OrderPaid"), broken, event("A4", "OrderPaid"), event("A5", "OrderPaid"), broken];
    expect(await batches(results)).toEqual([
      { ids: ["A1", "A3"], upTo: "A3", scanned: 3, undecodable: 0, endsAtUpTo: true },
      { ids: ["A4", "A5"], upTo: "A5", scanned: 3, undecodable: 1, endsAtUpTo: true },
      // Only an undecodable item: nothing to go on after.
      { ids: [], upTo: undefined, scanned: 1, undecodable: 1, endsAtUpTo: false },
    ]);
    // Ten times the batch size scanned without a full batch, the last of it undecodable.
    const sparse: ReadResult[] = [...Array.from({ length: 19 }, (_, i) => event(`B${String(i).padStart(2, "0")}`, "OrderPlaced")), broken];
    expect(await batches(sparse)).toEqual([{ ids: [], upTo: "B18", scanned: 20, undecodable: 1, endsAtUpTo: false }]);
  });

  it("skip the events up to where a read resumes, without counting them", async () => {
    const results: ReadResult[] = [event("A1", "OrderPaid"), event("A2", "OrderPaid"), event("A3", "OrderPaid")];
    expect(await batches(results, "A2")).toEqual([{ ids: ["A3"], upTo: "A3", scanned: 1, undecodable: 0, endsAtUpTo: true }]);
  });
});
