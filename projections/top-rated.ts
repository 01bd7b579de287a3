import type { Redis } from "ioredis";
import { redisProjection } from "./builder.js";

/** Fewer ratings than this say too little: the book is not listed. */
export const MIN_RATINGS = 3;

/** Average stars per book, kept from BookRated alone: each carries the stars it replaces. */
export const topRated = redisProjection({
  name: "top-rated",
  version: 1,
  redisKeys: { topRated: "top-rated", ratings: (bookId: string) => `ratings:${bookId}` },
  eventTypes: ["BookRated"],
  evolve: {
    BookRated: (e, keys) => {
      const { bookId, customerId, stars, previousStars } = e.data;
      return ["projectRating", keys.ratings(bookId), keys.topRated, e.version, customerId, stars, previousStars === null ? "" : String(previousStars), bookId, MIN_RATINGS];
    },
  },
});

export interface RatedBook {
  readonly bookId: string;
  readonly averageStars: number;
  readonly ratings: number;
}

/** The best-rated books with at least `MIN_RATINGS` ratings, best first. */
export const topRatedBooks = async (redis: Redis, limit = 20, keyPrefix?: string): Promise<RatedBook[]> => {
  const live = await topRated.liveKeys(redis, keyPrefix);
  const flat = await redis.zrevrange(live.topRated, 0, limit - 1, "WITHSCORES");
  const out: RatedBook[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const bookId = flat[i] ?? "";
    const count = await redis.hget(live.ratings(bookId), "count");
    out.push({ bookId, averageStars: Number(flat[i + 1]), ratings: Number(count) });
  }
  return out;
};
