import type { Redis } from "ioredis";
import { idOf } from "../events/index.js";
import { redisProjection } from "./builder.js";

/**
 * Every book's current title in one Redis hash, so the rankings (which hold ids only) are
 * answered from Redis alone: a renamed book shows its new title. Each book's stream version is
 * kept beside its title (`v:<bookId>`), so a repeat is a no-op and a rename never goes back.
 */
export const bookTitles = redisProjection({
  name: "book-titles",
  version: 1,
  redisKeys: { titles: "book-titles" },
  eventTypes: ["BookAdded", "BookDetailsChanged", "BookPriceChanged", "BookDiscontinued"],
  evolve: {
    BookAdded: (e, k) => ["projectBookTitle", k.titles, e.version, idOf(e.streamId), e.data.title],
    BookDetailsChanged: (e, k) => ["projectBookTitle", k.titles, e.version, idOf(e.streamId), e.data.title ?? ""],
    // Still recorded, so the book's version moves on and its later events are not held back.
    BookPriceChanged: (e, k) => ["projectBookTitle", k.titles, e.version, idOf(e.streamId), ""],
    BookDiscontinued: (e, k) => ["projectBookTitle", k.titles, e.version, idOf(e.streamId), ""],
  },
});

/** The titles of the books named, in one request; a book not (yet) known has none. */
export const titlesOf = async (redis: Redis, bookIds: readonly string[], keyPrefix?: string): Promise<ReadonlyMap<string, string>> => {
  if (bookIds.length === 0) return new Map();
  const live = await bookTitles.liveKeys(redis, keyPrefix);
  const titles = await redis.hmget(live.titles, ...bookIds);
  return new Map(bookIds.flatMap((id, i) => (titles[i] == null ? [] : [[id, titles[i]] as const])));
};
