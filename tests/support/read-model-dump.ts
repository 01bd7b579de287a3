import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import type { Client } from "@opensearch-project/opensearch";
import { Redis } from "ioredis";
import type { ViewsPort } from "../../projections/index.js";

/** Bookkeeping of subscriptions and replays, not read-model content. */
const bookkeeping = /^(checkpoint|replay|dlq|status|generation)#/;

/** Every read-model item of a views table, sorted, so two tables can be compared whole. */
export const dumpViews = async ({ client, tableName }: ViewsPort): Promise<Record<string, unknown>[]> => {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: start, ConsistentRead: true }));
    for (const item of page.Items ?? []) if (!bookkeeping.test(String(item.pk))) items.push(item);
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  return items.sort((a, b) => `${String(a.pk)}|${String(a.sk)}`.localeCompare(`${String(b.pk)}|${String(b.sk)}`));
};

/** Every key under a prefix with its value, whatever its type, keyed without the prefix. */
export const dumpRedis = async (url: string, prefix: string): Promise<Record<string, unknown>> => {
  const raw = new Redis(url);
  const out: [string, unknown][] = [];
  try {
    let cursor = "0";
    do {
      const [next, keys] = await raw.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
      cursor = next;
      for (const full of keys) {
        const type = await raw.type(full);
        const value =
          type === "hash" ? await raw.hgetall(full) : type === "zset" ? await raw.zrange(full, "0", "-1", "WITHSCORES") : type === "string" ? await raw.get(full) : type;
        out.push([full.slice(prefix.length), value]);
      }
    } while (cursor !== "0");
  } finally {
    raw.disconnect();
  }
  return Object.fromEntries(out.sort(([a], [b]) => a.localeCompare(b)));
};

/** Every document of an index (or alias), by id, with its external version: what a search can see. */
export const dumpIndex = async (client: Client, index: string) => {
  await client.indices.refresh({ index });
  const res = await client.search({ index, body: { size: 10_000, version: true, query: { match_all: {} } } });
  return (res.body.hits.hits as { _id: string; _version?: number; _source: unknown }[])
    .map((h) => ({ id: h._id, version: h._version, doc: h._source }))
    .sort((a, b) => a.id.localeCompare(b.id));
};
