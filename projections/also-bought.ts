import type { Redis } from "ioredis";
import { idOf } from "../events/index.js";
import { redisProjection, type RedisKeys, type RedisScope } from "./builder.js";
import { byOrderKind, orderEventTypes, type OrderEvent, type OrderKind } from "./order-events.js";
import type { ScriptCall } from "./redis-scripts.js";

const keys = {
  pairs: (bookId: string) => `also-bought:${bookId}`,
  order: (orderId: string) => `also-bought:order:${orderId}`,
} satisfies RedisKeys;

/** The order's distinct books, sorted so that the same order always records the same string. */
const booksOf = (e: OrderEvent): string => (e.type === "OrderPlaced" ? JSON.stringify([...new Set(e.data.lines.map((l) => l.bookId))].sort()) : "");

/**
 * The script's call for one event; the books only with OrderPlaced, the one event that has them.
 * The script names each book's set itself, so it is given their whole prefix, the client's own too.
 */
const orderEvent =
  (kind: OrderKind) =>
  (e: OrderEvent, k: typeof keys, scope: RedisScope): ScriptCall => ["projectAlsoBought", k.order(idOf(e.streamId)), e.version, kind, booksOf(e), scope.absolute(k.pairs(""))];

/**
 * "Customers who bought this also bought": for each book, the other books bought in the same
 * paid orders, and in how many. An order counts when it is paid (a placed order may still be
 * declined), and a paid order that is cancelled takes its pairs back out, as the bestsellers
 * count units.
 */
export const alsoBought = redisProjection({
  name: "also-bought",
  version: 1,
  redisKeys: keys,
  eventTypes: orderEventTypes,
  evolve: byOrderKind(orderEvent),
});

export interface CoPurchase {
  readonly bookId: string;
  /** Paid orders (less those taken back) that held both books. */
  readonly count: number;
}

/**
 * The books bought most often in the same paid orders as `bookId`, ties by book id ascending
 * (the 10 first unless told otherwise), from the live generation unless one is given; none for
 * a book never bought alongside another.
 */
export const alsoBoughtWith = async (redis: Redis, bookId: string, limit = 10, keyPrefix?: string): Promise<CoPurchase[]> => {
  const live = await alsoBought.liveKeys(redis, keyPrefix);
  const flat = await redis.zrange(live.pairs(bookId), "0", String(limit - 1), "WITHSCORES");
  const out: CoPurchase[] = [];
  // Scores are minus the counts, so that the ascending order is the most first.
  for (let i = 0; i + 1 < flat.length; i += 2) out.push({ bookId: flat[i] ?? "", count: -Number(flat[i + 1]) });
  return out;
};
