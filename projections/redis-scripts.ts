import type { Redis } from "ioredis";

/**
 * The Lua scripts of the Redis read models. Each first compares the event's stream version
 * with the one it recorded for that stream and records the new one in the same step as the
 * change: (stream, version) names an event exactly, so a repeat is a no-op (0), an event
 * that comes before its predecessor is refused (-1, the record is retried), and no crash
 * can fall between "counted" and "recorded".
 */
const gate = (versionField: string) => `
local v = tonumber(ARGV[1])
local at = tonumber(redis.call('HGET', KEYS[1], ${versionField}) or '0')
if v <= at then return 0 end
if v ~= at + 1 then return -1 end
redis.call('HSET', KEYS[1], ${versionField}, v)
`;

/** KEYS: order hash, bestsellers zset. ARGV: version, kind, lines as JSON `[[bookId, quantity], …]`. */
const orderScript = `${gate("'v'")}
local function count(sign)
  local lines = cjson.decode(redis.call('HGET', KEYS[1], 'lines'))
  for _, l in ipairs(lines) do redis.call('ZINCRBY', KEYS[2], sign * l[2], l[1]) end
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', 0)
end
local kind = ARGV[2]
if kind == 'placed' then
  redis.call('HSET', KEYS[1], 'lines', ARGV[3])
elseif kind == 'paid' then
  count(1)
  redis.call('HSET', KEYS[1], 'paid', '1')
elseif kind == 'cancelled' and redis.call('HGET', KEYS[1], 'paid') == '1' then
  count(-1)
  redis.call('HSET', KEYS[1], 'paid', '0')
end
return 1
`;

/** KEYS: the book's ratings hash, top-rated zset. ARGV: version, customerId, stars, previous stars or '', book id, minimum ratings. */
const ratingScript = `${gate("'v:' .. ARGV[2]")}
local stars = tonumber(ARGV[3])
if ARGV[4] == '' then
  redis.call('HINCRBY', KEYS[1], 'count', 1)
  redis.call('HINCRBY', KEYS[1], 'sum', stars)
else
  redis.call('HINCRBY', KEYS[1], 'sum', stars - tonumber(ARGV[4]))
end
local sum = tonumber(redis.call('HGET', KEYS[1], 'sum'))
local n = tonumber(redis.call('HGET', KEYS[1], 'count'))
if n >= tonumber(ARGV[6]) then
  redis.call('ZADD', KEYS[2], sum / n, ARGV[5])
else
  redis.call('ZREM', KEYS[2], ARGV[5])
end
return 1
`;

interface Scripts {
  projectOrderEvent(order: string, bestsellers: string, version: number, kind: string, lines: string): Promise<number>;
  projectRating(
    ratings: string,
    topRated: string,
    version: number,
    customerId: string,
    stars: number,
    previous: string,
    bookId: string,
    minRatings: number,
  ): Promise<number>;
}

const defined = new WeakSet<Redis>();

/** The client with the scripts defined on it (ioredis runs them by SHA, loading them when Redis lacks them). */
export const withScripts = (redis: Redis): Redis & Scripts => {
  if (!defined.has(redis)) {
    redis.defineCommand("projectOrderEvent", { numberOfKeys: 2, lua: orderScript });
    redis.defineCommand("projectRating", { numberOfKeys: 2, lua: ratingScript });
    defined.add(redis);
  }
  return redis as Redis & Scripts;
};
