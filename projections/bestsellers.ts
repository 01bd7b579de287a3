import type { Redis } from "ioredis";
import { idOf, type StoredEvent } from "../events/index.js";
import { defaultBatch, type Projection } from "./projection.js";
import type { RedisPorts, ViewPorts } from "./ports.js";
import { runScripts } from "./redis-scripts.js";
import { throwFirstEarly } from "./stream-view.js";
import { liveRedisPrefix } from "./generations.js";

const bestsellersKey = "bestsellers";
const orderKey = (orderId: string) => `bestsellers:order:${orderId}`;

const kindOf = (e: StoredEvent): string => {
  switch (e.type) {
    case "OrderPlaced":
      return "placed";
    case "OrderPaid":
      return "paid";
    case "OrderCancelled":
      return "cancelled";
    default:
      // Still recorded, so the order's version moves on and later events are not held back.
      return "other";
  }
};

/**
 * Units sold per book: an order counts when it is paid (a placed order may still be declined),
 * and a paid order that is cancelled takes its units back. The lines come from OrderPlaced,
 * kept per order until the payment, since OrderPaid does not repeat them.
 */
export const bestsellers: Projection<ViewPorts & RedisPorts> = {
  name: "bestsellers",
  version: 1,
  eventTypes: ["OrderPlaced", "OrderPaid", "OrderPaymentFailed", "OrderShipped", "OrderDelivered", "OrderCancelled"],
  batch: defaultBatch,
  stores: ["cache"],
  keys: { redis: [bestsellersKey, orderKey("*")] },
  apply: async (events, { redis, redisKeyPrefix = "" }) => {
    // One pipeline: the connection runs the scripts in the order sent, so each order's events
    // still land in sequence, without a round trip each.
    const outcomes = await runScripts(
      redis,
      events.map((e) => {
        const lines = e.type === "OrderPlaced" ? JSON.stringify(e.data.lines.map((l) => [l.bookId, l.quantity])) : "";
        return ["projectOrderEvent", redisKeyPrefix + orderKey(idOf(e.streamId)), redisKeyPrefix + bestsellersKey, e.version, kindOf(e), lines] as const;
      }),
    );
    throwFirstEarly(events, outcomes);
  },
};

export interface Bestseller {
  readonly bookId: string;
  readonly unitsSold: number;
}

/** The best-selling books, most units first (Top 20 unless told otherwise), from the live generation unless one is given. */
export const topBestsellers = async (redis: Redis, limit = 20, keyPrefix?: string): Promise<Bestseller[]> => {
  const prefix = await liveRedisPrefix(redis, bestsellers.name, keyPrefix);
  const flat = await redis.zrevrange(prefix + bestsellersKey, 0, limit - 1, "WITHSCORES");
  const out: Bestseller[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push({ bookId: flat[i] ?? "", unitsSold: Number(flat[i + 1]) });
  return out;
};
