import { Redis } from "ioredis";
import { ulid } from "ulid";
import { afterAll, describe, expect, inject, it } from "vitest";
import { runScripts, type ScriptCall } from "../../projections/redis-scripts.js";

const clients: Redis[] = [];
afterAll(async () => {
  await Promise.all(clients.map((c) => c.quit()));
});

const freshRedis = () => {
  const redis = new Redis(inject("redisUrl"), { keyPrefix: `scripts-${ulid()}:` });
  clients.push(redis);
  return redis;
};

/** Every key under the client's prefix with its whole value, to compare two runs. */
const dump = async (redis: Redis) => {
  const prefix = redis.options.keyPrefix ?? "";
  const keys = (await redis.keys(`${prefix}*`)).map((k) => k.slice(prefix.length)).sort();
  return Promise.all(
    keys.map(async (key) => {
      const type = await redis.type(key);
      return [key, type === "zset" ? await redis.zrange(key, "0", "-1", "WITHSCORES") : await redis.hgetall(key)] as const;
    }),
  );
};

const books = ["b1", "b2", "b3"];

/**
 * 300 orders (placed, paid, every third cancelled) with a book's category change among them,
 * and in the middle one order's payment before its placing: runs of one script longer than a
 * call takes, broken by calls of another.
 */
const calls = (dayKeys: string): ScriptCall[] => {
  const out: ScriptCall[] = books.map((b, i) => ["recordBookCategory", "categories", b, `E${String(i).padStart(5, "0")}`, `cat-${i}`]);
  for (let o = 0; o < 300; o++) {
    const order = `order:${o}`;
    const book = books[o % books.length]!;
    const lines = JSON.stringify([[book, 1 + (o % 2)]]);
    const early = o === 151;
    if (!early) out.push(["projectOrderEvent", order, "bestsellers", 1, "placed", lines]);
    out.push(["projectOrderEvent", order, "bestsellers", 2, "paid", ""]);
    if (o % 3 === 0) out.push(["projectOrderEvent", order, "bestsellers", 3, "cancelled", ""]);
    if (o === 200) out.push(["recordBookCategory", "categories", "b1", "E99999", "cat-moved"]);
  }
  out.push(["projectSale", "sale:1", "categories", 1, "E00100", "placed", "EUR", JSON.stringify([["b1", 2, 2000]]), dayKeys]);
  out.push(["projectSale", "sale:1", "categories", 2, "E00101", "paid", "2026-12-01", "", dayKeys]);
  return out;
};

describe("runScripts", () => {
  it("answers a batch's calls, in order and with the same writes, as it answers them one at a time", async () => {
    const [together, apart] = [freshRedis(), freshRedis()];
    const batch = (redis: Redis) => calls(`${redis.options.keyPrefix ?? ""}day:`);
    const batchReplies = await runScripts(together, batch(together));
    const oneByOne = [];
    for (const call of batch(apart)) oneByOne.push(...(await runScripts(apart, [call])));

    expect(batchReplies).toEqual(oneByOne);
    expect(batchReplies).toHaveLength(batch(together).length);
    // The payment that came before its order was placed is refused (-1); every other call applied (1).
    expect(batchReplies.filter((r) => r === -1)).toHaveLength(1);
    expect(batchReplies.filter((r) => r !== 1 && r !== -1)).toEqual([]);
    expect(await dump(together)).toEqual(await dump(apart));
  });

  it("counts a batch sent twice once: each event is checked against its stream's version", async () => {
    const redis = freshRedis();
    const batch = calls(`${redis.options.keyPrefix ?? ""}day:`);
    await runScripts(redis, batch);
    const first = await dump(redis);
    const again = await runScripts(redis, batch);
    // Repeats answer 0; the one refused before is still early, and the category changes are known.
    expect(again.filter((r) => r === 0)).toHaveLength(batch.length - 1);
    expect(await dump(redis)).toEqual(first);
    // 300 orders, every third cancelled: 200 paid and kept, 1 or 2 copies each.
    const units = await redis.zrange("bestsellers", "0", "-1", "WITHSCORES");
    const total = units.filter((_, i) => i % 2 === 1).reduce((sum, n) => sum + Number(n), 0);
    const expected = Array.from({ length: 300 }, (_, o) => (o % 3 === 0 || o === 151 ? 0 : 1 + (o % 2))).reduce((a, b) => a + b, 0);
    expect(total).toBe(expected);
  });
});
