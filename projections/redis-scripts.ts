import type { Redis } from "ioredis";

/**
 * The Lua scripts of the Redis read models. Each first compares the event's stream version
 * with the one it recorded for that stream and records the new one in the same step as the
 * change: (stream, version) names an event exactly, so a repeat is a no-op (0), an event
 * that comes before its predecessor is refused (-1, the record is retried), and no crash
 * can fall between "counted" and "recorded".
 *
 * The comparison, which every script begins with: `recorded` is the Lua expression of the
 * version recorded for the stream (nil when none is), and `v` the event's version after it.
 * Recording the new version is each script's own, with its change.
 */
const versionGate = (recorded: string) => `
local v = tonumber(ARGV[1])
local at = tonumber(${recorded} or '0')
if v <= at then return 0 end
if v ~= at + 1 then return -1 end
`;

/**
 * KEYS: order hash, bestsellers zset. ARGV: version, kind, lines as JSON `[[bookId, quantity], …]`.
 * One read of the order's version, lines and payment, and one write of the new version with
 * whatever else changes, since a replay runs this once per event.
 */
const orderScript = `
local order = redis.call('HMGET', KEYS[1], 'v', 'lines', 'paid')
${versionGate("order[1]")}
local function count(sign)
  for _, l in ipairs(cjson.decode(order[2])) do redis.call('ZINCRBY', KEYS[2], sign * l[2], l[1]) end
end
local kind = ARGV[2]
if kind == 'placed' then
  redis.call('HSET', KEYS[1], 'v', v, 'lines', ARGV[3])
elseif kind == 'paid' then
  count(1)
  redis.call('HSET', KEYS[1], 'v', v, 'paid', '1')
elseif kind == 'cancelled' and order[3] == '1' then
  count(-1)
  -- Only a take-back can leave a book at no units sold: it leaves the list.
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', 0)
  redis.call('HSET', KEYS[1], 'v', v, 'paid', '0')
else
  redis.call('HSET', KEYS[1], 'v', v)
end
return 1
`;

/**
 * KEYS: the order's hash. ARGV: version, kind, the order's distinct books as JSON `[bookId, …]`
 * (with 'placed' only), the pair sets' key prefix (a book's id after it names its set).
 * For each paid order holding books A and B, A's set counts B and B's counts A: one per order,
 * whatever the quantities. A score is minus that count, so that ZRANGE lists the books bought
 * most often alongside first and, among equals, by book id ascending (ZREVRANGE would list
 * equals by id descending). The books come from OrderPlaced and are kept in the order's hash
 * until the payment, as the bestsellers keep the lines. The script names the sets' keys itself
 * (the books are in the order's hash): a standalone Redis, as the sales script.
 */
const alsoBoughtScript = `
local order = redis.call('HMGET', KEYS[1], 'v', 'books', 'paid')
${versionGate("order[1]")}
local function count(step)
  local books = cjson.decode(order[2])
  for _, a in ipairs(books) do
    for _, b in ipairs(books) do
      if b ~= a then redis.call('ZINCRBY', ARGV[4] .. a, step, b) end
    end
    -- A pair no paid order holds any longer leaves the set, and an empty set its key.
    if step > 0 then redis.call('ZREMRANGEBYSCORE', ARGV[4] .. a, 0, '+inf') end
  end
end
local kind = ARGV[2]
if kind == 'placed' then
  redis.call('HSET', KEYS[1], 'v', v, 'books', ARGV[3])
elseif kind == 'paid' and order[3] ~= '1' then
  count(-1)
  redis.call('HSET', KEYS[1], 'v', v, 'paid', '1')
elseif (kind == 'cancelled' or kind == 'returned') and order[3] == '1' then
  -- Whatever undoes a payment takes the pairs back: a cancellation today; a return, which orders
  -- do not have yet, is to be sent as 'returned' and needs nothing more here. Only a paid order
  -- has pairs to give back, and it gives them back once.
  count(1)
  redis.call('HSET', KEYS[1], 'v', v, 'paid', '0')
else
  redis.call('HSET', KEYS[1], 'v', v)
end
return 1
`;

/** KEYS: the book's ratings hash, top-rated zset. ARGV: version, customerId, stars, previous stars or '', book id, minimum ratings. */
const ratingScript = `${versionGate("redis.call('HGET', KEYS[1], 'v:' .. ARGV[2])")}
redis.call('HSET', KEYS[1], 'v:' .. ARGV[2], v)
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

/**
 * KEYS: the categories hash. ARGV: book id, event id, category. Each book's field holds its
 * categories over time, `[[eventId, category], …]` in event order, so an order finds the
 * category its book had when it was paid whatever order the events arrive in.
 */
const bookCategoryScript = `
local history = cjson.decode(redis.call('HGET', KEYS[1], ARGV[1]) or '[]')
local at = #history + 1
for i, entry in ipairs(history) do
  if entry[1] == ARGV[2] then return 0 end
  if entry[1] > ARGV[2] then at = i break end
end
table.insert(history, at, {ARGV[2], ARGV[3]})
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(history))
return 1
`;

/**
 * KEYS: the order's hash, the categories hash. ARGV: version, event id, kind, then for
 * 'placed' the currency and the lines as JSON `[[bookId, quantity, lineTotalCents], …]`, for
 * 'paid' the day of payment; last the day totals' key prefix. A day's hash holds
 * `u|<currency>|<category>` (units) and `r|<currency>|<category>` (revenue in cents).
 * The day of a cancellation is the day it was paid, which only the order's hash knows, so
 * this script names day keys itself: a standalone Redis (ElastiCache with cluster mode off).
 */
const saleScript = `${versionGate("redis.call('HGET', KEYS[1], 'v')")}
local kind = ARGV[3]
-- The book's category as of this event; a book added only after it (a late import) lends its first.
local function categoryAt(bookId)
  local history = cjson.decode(redis.call('HGET', KEYS[2], bookId) or '[]')
  local found = history[1] and history[1][2]
  for _, entry in ipairs(history) do
    if entry[1] < ARGV[2] then found = entry[2] else break end
  end
  return found
end
local function add(day, currency, counted, sign)
  for _, c in ipairs(counted) do
    redis.call('HINCRBY', ARGV[6] .. day, 'u|' .. currency .. '|' .. c[1], sign * c[2])
    redis.call('HINCRBY', ARGV[6] .. day, 'r|' .. currency .. '|' .. c[1], sign * c[3])
  end
end
if kind == 'placed' then
  redis.call('HSET', KEYS[1], 'currency', ARGV[4], 'lines', ARGV[5])
elseif kind == 'paid' and redis.call('HEXISTS', KEYS[1], 'paidDay') == 0 and redis.call('HEXISTS', KEYS[1], 'lines') == 1 then
  local sums, order, unknown = {}, {}, {-2}
  for _, l in ipairs(cjson.decode(redis.call('HGET', KEYS[1], 'lines'))) do
    local category = categoryAt(l[1])
    if category == nil then
      table.insert(unknown, l[1])
    else
      if sums[category] == nil then
        sums[category] = {category, 0, 0}
        table.insert(order, sums[category])
      end
      sums[category][2] = sums[category][2] + l[2]
      sums[category][3] = sums[category][3] + l[3]
    end
  end
  -- Nothing recorded, not even the version: the payment is retried once the book is known.
  if #unknown > 1 then return unknown end
  add(ARGV[4], redis.call('HGET', KEYS[1], 'currency'), order, 1)
  redis.call('HSET', KEYS[1], 'paidDay', ARGV[4], 'counted', cjson.encode(order))
  -- What was counted is all a cancellation needs: the lines need not take up memory any longer.
  redis.call('HDEL', KEYS[1], 'lines')
elseif kind == 'cancelled' and redis.call('HEXISTS', KEYS[1], 'paidDay') == 1 then
  add(redis.call('HGET', KEYS[1], 'paidDay'), redis.call('HGET', KEYS[1], 'currency'), cjson.decode(redis.call('HGET', KEYS[1], 'counted')), -1)
  redis.call('HDEL', KEYS[1], 'paidDay', 'counted')
end
redis.call('HSET', KEYS[1], 'v', v)
return 1
`;

/** KEYS: the titles hash. ARGV: version, book id, the title ('' when the event leaves it as it was). */
const titleScript = `${versionGate("redis.call('HGET', KEYS[1], 'v:' .. ARGV[2])")}
if ARGV[3] == '' then
  redis.call('HSET', KEYS[1], 'v:' .. ARGV[2], v)
else
  redis.call('HSET', KEYS[1], 'v:' .. ARGV[2], v, ARGV[2], ARGV[3])
end
return 1
`;

interface Scripts {
  projectOrderEvent(order: string, bestsellers: string, version: number, kind: string, lines: string): Promise<number>;
  projectAlsoBought(order: string, version: number, kind: string, books: string, pairsPrefix: string): Promise<number>;
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
  projectBookTitle(titles: string, version: number, bookId: string, title: string): Promise<number>;
  recordBookCategory(categories: string, bookId: string, eventId: string, category: string): Promise<number>;
  projectSale(order: string, categories: string, version: number, eventId: string, kind: string, a: string, b: string, dayKeys: string): Promise<number | (number | string)[]>;
}

/** One script call: the script's name, then its keys and arguments. */
export type ScriptCall = { [K in keyof Scripts]: readonly [K, ...Parameters<Scripts[K]>] }[keyof Scripts];
/** What the scripts answer. */
export type ScriptReply = Awaited<ReturnType<Scripts[keyof Scripts]>>;

/** Each script's keys and arguments per event: a batched call is that many of each, event after event. */
const shapes = {
  projectOrderEvent: { keys: 2, args: 3, lua: orderScript },
  projectAlsoBought: { keys: 1, args: 4, lua: alsoBoughtScript },
  projectRating: { keys: 2, args: 6, lua: ratingScript },
  projectBookTitle: { keys: 1, args: 3, lua: titleScript },
  recordBookCategory: { keys: 1, args: 3, lua: bookCategoryScript },
  projectSale: { keys: 2, args: 6, lua: saleScript },
} satisfies Record<keyof Scripts, { keys: number; args: number; lua: string }>;

/**
 * The script run once per event over a batch's keys and arguments, answering one reply per
 * event. The per-event script is a function whose parameters are named KEYS and ARGV, so it
 * reads its own event's share of them, word for word as it would alone.
 */
const batched = ({ keys, args, lua }: { keys: number; args: number; lua: string }) => {
  const slice = (table: string, width: number) => `{${Array.from({ length: width }, (_, j) => `${table}[i * ${width} + ${j + 1}]`).join(", ")}}`;
  return `local function one(KEYS, ARGV)
${lua}
end
local replies = {}
for i = 0, #KEYS / ${keys} - 1 do
  replies[i + 1] = one(${slice("KEYS", keys)}, ${slice("ARGV", args)})
end
return replies
`;
};

/**
 * Events per script call at most. Redis runs one script at a time, so a call of 250 (about a
 * millisecond) keeps others' commands from waiting long behind a replay.
 */
const EVENTS_PER_CALL = 250;

const defined = new WeakSet<Redis>();

type BatchedCommands = { readonly [K in keyof Scripts as `${K}Batch`]: (keyCount: number, ...keysThenArgs: (string | number)[]) => unknown };

/** The client with the batched scripts defined on it (ioredis runs them by SHA, loading them when Redis lacks them). */
const withScripts = (redis: Redis): Redis & BatchedCommands => {
  if (!defined.has(redis)) {
    // No fixed number of keys: each call says how many, as EVALSHA does.
    for (const [name, shape] of Object.entries(shapes)) redis.defineCommand(`${name}Batch`, { lua: batched(shape) });
    defined.add(redis);
  }
  return redis as Redis & BatchedCommands;
};

type ScriptPipeline = BatchedCommands & { exec(): Promise<[Error | null, unknown][] | null> };

/**
 * Runs a batch's script calls in the order given, as one pipeline in which each run of calls
 * to the same script is a single call over all their events (up to `EVENTS_PER_CALL`). A
 * script call per event cost ioredis a command object, a promise and a reply each, and Redis
 * a script call each: most of what a replay spent beyond reading. Each event is still checked
 * and applied by its own script, in order. A call that Redis refuses is a fault, not an
 * outcome, and throws.
 */
export const runScripts = async (redis: Redis, calls: readonly ScriptCall[]): Promise<ScriptReply[]> => {
  if (calls.length === 0) return [];
  const pipeline = withScripts(redis).pipeline() as unknown as ScriptPipeline;
  for (let start = 0; start < calls.length; ) {
    const name = calls[start]![0];
    const { keys } = shapes[name];
    let end = start + 1;
    while (end < calls.length && end - start < EVENTS_PER_CALL && calls[end]![0] === name) end++;
    const keyList: (string | number)[] = [];
    const argList: (string | number)[] = [];
    for (let i = start; i < end; i++) {
      const call = calls[i]!;
      for (let j = 1; j <= keys; j++) keyList.push(call[j] as string);
      for (let j = keys + 1; j < call.length; j++) argList.push(call[j] as string | number);
    }
    pipeline[`${name}Batch`](keyList.length, ...keyList, ...argList);
    start = end;
  }
  const replies = (await pipeline.exec()) ?? [];
  return replies.flatMap(([error, reply]) => {
    if (error !== null) throw error;
    return reply as ScriptReply[];
  });
};
