import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mergeSorted } from "../../store/merge-sorted.js";

async function* paced(items: readonly string[]): AsyncGenerator<string> {
  for (const item of items) {
    await Promise.resolve();
    yield item;
  }
}

const collect = async (items: AsyncIterable<string>): Promise<string[]> => {
  const out: string[] = [];
  for await (const item of items) out.push(item);
  return out;
};

describe("mergeSorted", () => {
  it("merges any number of sorted sources into one sorted sequence with every item once", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(fc.string({ maxLength: 4 }), { maxLength: 30 }), { maxLength: 12 }), async (sources) => {
        const sorted = sources.map((s) => [...s].sort());
        const merged = await collect(mergeSorted(sorted.map(paced), (s) => s));
        expect(merged).toEqual(sorted.flat().sort());
      }),
      { numRuns: 200 },
    );
  });

  it("pulls each source only as far as the output has gone", async () => {
    const pulled: string[] = [];
    async function* watched(name: string, items: string[]): AsyncGenerator<string> {
      for (const item of items) {
        pulled.push(`${name}:${item}`);
        yield item;
      }
    }
    const merged = mergeSorted([watched("a", ["1", "4", "9"]), watched("b", ["2", "3", "8"])], (s) => s);
    const firstTwo: string[] = [];
    for await (const item of merged) {
      firstTwo.push(item);
      if (firstTwo.length === 2) break;
    }
    expect(firstTwo).toEqual(["1", "2"]);
    expect(pulled).toEqual(["a:1", "b:2", "a:4"]);
  });
});
