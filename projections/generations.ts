import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { Redis } from "ioredis";
import type { ViewPorts, ViewsPort } from "./ports.js";

/**
 * A rebuild writes a read model's next generation beside the live one, then switches to it.
 * Generation 0 is the read model as first deployed (keys without a prefix, the configured
 * index); generation n > 0 puts a prefix before every key and suffixes the index.
 *
 * The projector follows the pointer in the views table, read once per batch. Readers follow
 * each store's own pointer: the same views item (views), a Redis key (Redis), the index alias
 * (search). A switch moves the projector's first, then the readers'.
 */
export const viewsPrefixOf = (projection: string, generation: number): string | undefined =>
  generation === 0 ? undefined : `gen#${projection}#${generation}#`;

export const redisPrefixOf = (projection: string, generation: number): string => (generation === 0 ? "" : `gen:${projection}:${generation}:`);

/**
 * The index a generation writes; readers search the alias that bears the configured name.
 * Generation 0 writes through the alias, which points to its index `<alias>-g0` until a rebuild
 * switches; an index, unlike an alias, cannot be taken away atomically from a search running on it.
 */
export const searchIndexOf = (alias: string, generation: number): string => (generation === 0 ? alias : generationIndexOf(alias, generation));

/** The index that holds generation `generation`'s documents, the alias's target while it is live. */
export const generationIndexOf = (alias: string, generation: number): string => `${alias}-g${generation}`;

/** The Redis key whose value is the key prefix readers use; absent means generation 0. */
export const redisPointerKey = (projection: string): string => `generation:${projection}`;

const pointerKey = (projection: string) => ({ pk: `generation#${projection}`, sk: "current" });

export const readGeneration = async ({ client, tableName }: ViewsPort, projection: string): Promise<number> => {
  const item = (await client.send(new GetCommand({ TableName: tableName, Key: pointerKey(projection), ConsistentRead: true }))).Item;
  return typeof item?.generation === "number" ? item.generation : 0;
};

/**
 * Moves the projector's pointer from `from` to `to` in one conditional write.
 * @returns false when the pointer was no longer at `from` (another rebuild switched first)
 */
export const switchGeneration = async ({ client, tableName }: ViewsPort, projection: string, from: number, to: number, at: Date): Promise<boolean> => {
  try {
    await client.send(
      new PutCommand({
        TableName: tableName,
        Item: { ...pointerKey(projection), generation: to, previous: from, switchedAt: at.toISOString() },
        ConditionExpression: from === 0 ? "attribute_not_exists(generation) OR generation = :from" : "generation = :from",
        ExpressionAttributeValues: { ":from": from },
      }),
    );
    return true;
  } catch (e) {
    if (e instanceof ConditionalCheckFailedException) return false;
    throw e;
  }
};

/**
 * The ports as generation `generation` of `projection` sees them. Properties are read
 * lazily, so a port that is built on first use (Redis, search) is still built only if used.
 */
export const atGeneration = <P extends ViewPorts>(ports: P, projection: string, generation: number): P => {
  if (generation === 0) return ports;
  const at = Object.create(ports) as P;
  const define = (name: string, get: () => unknown) => Object.defineProperty(at, name, { get, enumerable: true });
  define("views", () => ({ ...ports.views, keyPrefix: viewsPrefixOf(projection, generation) }));
  if ("redis" in ports) define("redisKeyPrefix", () => redisPrefixOf(projection, generation));
  if ("search" in ports) {
    define("search", () => {
      const search = (ports as unknown as { search: { client: unknown; index: string } }).search;
      return { ...search, index: searchIndexOf(search.index, generation), alias: search.index };
    });
  }
  return at;
};

/** The ports of the generation the projector writes now: what a live batch, a replay or a redrive applies to. */
export const atLiveGeneration = async <P extends ViewPorts>(ports: P, projection: string): Promise<P> =>
  atGeneration(ports, projection, await readGeneration(ports.views, projection));

/** How long a reader trusts the views pointer it read; a rebuild drops nothing sooner after a switch. */
export const READER_POINTER_TTL_MS = 1000;
const cached = new Map<string, { prefix: string | undefined; until: number }>();

/**
 * The views port a reader of `projection` should use: the live generation's. A port that
 * already names a generation (a test, a rebuild checking its work) is used as it is.
 */
export const liveViews = async (views: ViewsPort, projection: string, now: number = Date.now()): Promise<ViewsPort> => {
  if (views.keyPrefix !== undefined) return views;
  const id = `${views.tableName}\u0000${projection}`;
  let hit = cached.get(id);
  if (hit === undefined || hit.until <= now) {
    hit = { prefix: viewsPrefixOf(projection, await readGeneration(views, projection)), until: now + READER_POINTER_TTL_MS };
    cached.set(id, hit);
  }
  return hit.prefix === undefined ? views : { ...views, keyPrefix: hit.prefix };
};

/** The key prefix a reader of a Redis read model should use: the one given, or the live generation's. */
export const liveRedisPrefix = async (redis: Redis, projection: string, given: string | undefined): Promise<string> =>
  given ?? (await redis.get(redisPointerKey(projection))) ?? "";
