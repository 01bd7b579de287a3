import { decodeTime, encodeTime } from "ulid";

/**
 * Events are indexed by the hour their eventId (a ULID) was minted in, spread over shards so no
 * index partition takes every write. Deriving the bucket from the id, not from a clock, keeps
 * "bucket order, then id order" identical to id order, which is what `readAll` promises.
 */
const HOUR_MS = 3_600_000;

/** The partition of the hour registry; not a stream id (those start with a lower-case letter). */
export const BUCKET_REGISTRY_PK = "_buckets";

export const hourOfTime = (ms: number): number => Math.floor(ms / HOUR_MS);
export const hourOfId = (eventId: string): number => hourOfTime(decodeTime(eventId));

/** `yyyy-mm-ddThh`, readable in the console and sorted like the hour number. */
export const hourLabel = (hour: number): string => new Date(hour * HOUR_MS).toISOString().slice(0, 13);

/** FNV-1a over the id's random part: even spread, and the same event always lands in the same shard. */
export const shardOf = (eventId: string, shards: number): number => {
  let h = 0x811c9dc5;
  for (let i = 10; i < eventId.length; i++) {
    h ^= eventId.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % shards;
};

export const bucketKey = (hour: number, shard: number): string => `all#${hourLabel(hour)}#${shard}`;

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/** An ISO time or a ULID, as the smallest ULID at or after it. */
export const ulidBound = (at: string): string => {
  if (ULID.test(at)) return at;
  const ms = Date.parse(at);
  if (Number.isNaN(ms)) throw new RangeError(`"${at}" is neither an ISO time nor a ULID`);
  return encodeTime(ms, 10) + "0".repeat(16);
};
