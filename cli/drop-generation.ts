import { BatchWriteCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import type { Client } from "@opensearch-project/opensearch";
import type { Redis } from "ioredis";
import { generationIndexOf, redisPrefixOf, viewsPrefixOf, type Projection, type ViewsPort } from "../projections/index.js";

export interface Dropped {
  readonly viewItems: number;
  readonly redisKeys: number;
  readonly index?: string;
}

const BATCH_WRITE_MAX = 25;

/** Deletes every views item whose partition key starts with one of `prefixes`: a Scan, as dropping is rare and off the hot path. */
const dropViews = async ({ client, tableName }: ViewsPort, prefixes: readonly string[]): Promise<number> => {
  if (prefixes.length === 0) return 0;
  const values = Object.fromEntries(prefixes.map((p, i) => [`:p${i}`, p]));
  let dropped = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: prefixes.map((_, i) => `begins_with(pk, :p${i})`).join(" OR "),
        ExpressionAttributeValues: values,
        ProjectionExpression: "pk, sk",
        ExclusiveStartKey: start,
      }),
    );
    const keys = (page.Items ?? []).map((i) => ({ pk: i.pk as unknown, sk: i.sk as unknown }));
    for (let i = 0; i < keys.length; i += BATCH_WRITE_MAX) {
      let request: Record<string, unknown[]> | undefined = { [tableName]: keys.slice(i, i + BATCH_WRITE_MAX).map((Key) => ({ DeleteRequest: { Key } })) };
      while (request !== undefined && Object.keys(request).length > 0) {
        const out = await client.send(new BatchWriteCommand({ RequestItems: request as never }));
        request = out.UnprocessedItems as typeof request;
      }
    }
    dropped += keys.length;
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  return dropped;
};

/** Deletes the keys matching the glob patterns; the client's own key prefix is added to SCAN's pattern and taken off what it returns. */
const dropRedis = async (redis: Redis, patterns: readonly string[]): Promise<number> => {
  const base = redis.options.keyPrefix ?? "";
  let dropped = 0;
  for (const pattern of patterns) {
    let cursor = "0";
    do {
      const [next, found] = await redis.scan(cursor, "MATCH", base + pattern, "COUNT", 1000);
      cursor = next;
      if (found.length > 0) dropped += await redis.unlink(...found.map((k) => k.slice(base.length)));
    } while (cursor !== "0");
  }
  return dropped;
};

/**
 * Drops one generation of a projection's read model: its views items, its Redis keys, its index.
 * Generation 0 is found by the keys the projection declares; later ones by their prefix.
 */
export const dropGeneration = async (
  projection: Pick<Projection, "name" | "keys" | "stores">,
  generation: number,
  ports: { readonly views: ViewsPort; readonly redis?: Redis; readonly search?: { readonly client: Client; readonly index: string } },
): Promise<Dropped> => {
  const viewsPrefix = viewsPrefixOf(projection.name, generation);
  const viewItems = await dropViews(ports.views, viewsPrefix === undefined ? (projection.keys?.views ?? []) : [viewsPrefix]);
  const stores = projection.stores ?? [];
  const redisKeys =
    stores.includes("cache") && ports.redis !== undefined
      ? await dropRedis(ports.redis, generation === 0 ? (projection.keys?.redis ?? []) : [`${redisPrefixOf(projection.name, generation)}*`])
      : 0;
  if (stores.includes("search") && ports.search !== undefined) {
    const index = generationIndexOf(ports.search.index, generation);
    await ports.search.client.indices.delete({ index, ignore_unavailable: true });
    return { viewItems, redisKeys, index };
  }
  return { viewItems, redisKeys };
};
