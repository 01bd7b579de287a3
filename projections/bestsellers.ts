import type { Redis } from "ioredis";
import { idOf } from "../events/index.js";
import { redisProjection, type RedisKeys } from "./builder.js";
import { byOrderKind, orderEventTypes, type OrderEvent, type OrderKind } from "./order-events.js";

const keys = { bestsellers: "bestsellers", order: (orderId: string) => `bestsellers:order:${orderId}` } satisfies RedisKeys;

/** The order script's call for one event; the lines only with OrderPlaced, the one event that has them. */
const orderEvent =
  (kind: OrderKind) =>
  (e: OrderEvent, k: typeof keys) =>
    ["projectOrderEvent", k.order(idOf(e.streamId)), k.bestsellers, e.version, kind, e.type === "OrderPlaced" ? JSON.stringify(e.data.lines.map((l) => [l.bookId, l.quantity])) : ""] as const;

/**
 * Units sold per book: an order counts when it is paid (a placed order may still be declined),
 * and a paid order that is cancelled takes its units back. The lines come from OrderPlaced,
 * kept per order until the payment, since OrderPaid does not repeat them.
 */
export const bestsellers = redisProjection({
  name: "bestsellers",
  version: 1,
  redisKeys: keys,
  eventTypes: orderEventTypes,
  evolve: byOrderKind(orderEvent),
});

export interface Bestseller {
  readonly bookId: string;
  readonly unitsSold: number;
}

/** The best-selling books, most units first (Top 20 unless told otherwise), from the live generation unless one is given. */
export const topBestsellers = async (redis: Redis, limit = 20, keyPrefix?: string): Promise<Bestseller[]> => {
  const live = await bestsellers.liveKeys(redis, keyPrefix);
  const flat = await redis.zrevrange(live.bestsellers, 0, limit - 1, "WITHSCORES");
  const out: Bestseller[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push({ bookId: flat[i] ?? "", unitsSold: Number(flat[i + 1]) });
  return out;
};
