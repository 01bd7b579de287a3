import type { Redis } from "ioredis";
import { defaultBatch, type Projection } from "./projection.js";
import type { RedisPorts, ViewPorts } from "./ports.js";
import { runScripts } from "./redis-scripts.js";
import { throwFirstEarly } from "./stream-view.js";
import { liveRedisPrefix } from "./generations.js";

/** Fewer ratings than this say too little: the book is not listed. */
export const MIN_RATINGS = 3;
const topRatedKey = "top-rated";
const ratingsKey = (bookId: string) => `ratings:${bookId}`;

/** Average stars per book, kept from BookRated alone: each carries the stars it replaces. */
export const topRated: Projection<ViewPorts & RedisPorts> = {
  name: "top-rated",
  version: 1,
  eventTypes: ["BookRated"],
  batch: defaultBatch,
  stores: ["cache"],
  keys: { redis: [topRatedKey, ratingsKey("*")] },
  apply: async (events, { redis, redisKeyPrefix = "" }) => {
    // One pipeline, as bestsellers sends: the connection keeps their order.
    const rated = events.flatMap((e) => (e.type === "BookRated" ? [e] : []));
    const outcomes = await runScripts(
      redis,
      rated.map((e) => {
        const { bookId, customerId, stars, previousStars } = e.data;
        return ["projectRating", redisKeyPrefix + ratingsKey(bookId), redisKeyPrefix + topRatedKey, e.version, customerId, stars, previousStars === null ? "" : String(previousStars), bookId, MIN_RATINGS] as const;
      }),
    );
    throwFirstEarly(rated, outcomes);
  },
};

export interface RatedBook {
  readonly bookId: string;
  readonly averageStars: number;
  readonly ratings: number;
}

/** The best-rated books with at least `MIN_RATINGS` ratings, best first. */
export const topRatedBooks = async (redis: Redis, limit = 20, keyPrefix?: string): Promise<RatedBook[]> => {
  const prefix = await liveRedisPrefix(redis, topRated.name, keyPrefix);
  const flat = await redis.zrevrange(prefix + topRatedKey, 0, limit - 1, "WITHSCORES");
  const out: RatedBook[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const bookId = flat[i] ?? "";
    const count = await redis.hget(prefix + ratingsKey(bookId), "count");
    out.push({ bookId, averageStars: Number(flat[i + 1]), ratings: Number(count) });
  }
  return out;
};
