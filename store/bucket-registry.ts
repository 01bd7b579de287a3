import { type DynamoDBClient, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import { queryItems, sortKeyRange } from "./query-pages.js";
import { keys } from "./tables.js";
import { BUCKET_REGISTRY_PK, hourLabel } from "./time-buckets.js";

/**
 * Which hour buckets hold events, so `readAll` never scans. An hour is registered before the
 * first event of it is written (by this process), so an event without its entry cannot exist;
 * an entry whose append then failed is harmless: its bucket is simply empty.
 */
export interface BucketRegistry {
  ensure(hours: Iterable<number>): Promise<void>;
  /**
   * Registered hours in ascending order, within [fromHour, toHour] when given, each with the
   * number of shards its writers used (the largest, should the setting have changed).
   */
  list(fromHour?: number, toHour?: number): AsyncIterable<{ readonly hour: number; readonly shards: number }>;
}

export const bucketRegistry = (client: DynamoDBClient, tableName: string, shards: number): BucketRegistry => {
  const known = new Set<number>();
  const register = async (hour: number): Promise<void> => {
    await client.send(
      new UpdateItemCommand({
        TableName: tableName,
        Key: { [keys.pk]: { S: BUCKET_REGISTRY_PK }, [keys.sk]: { N: String(hour) } },
        UpdateExpression: "SET #kind = :kind, #bucket = :bucket ADD #shards :shards",
        ExpressionAttributeNames: { "#kind": "kind", "#bucket": "bucket", "#shards": "shards" },
        ExpressionAttributeValues: { ":kind": { S: "bucket" }, ":bucket": { S: hourLabel(hour) }, ":shards": { NS: [String(shards)] } },
      }),
    );
    known.add(hour);
  };
  return {
    ensure: async (hours) => {
      const missing = [...new Set(hours)].filter((h) => !known.has(h));
      await Promise.all(missing.map(register));
    },
    async *list(fromHour, toHour) {
      const range = sortKeyRange(
        fromHour === undefined ? undefined : { N: String(fromHour) },
        toHour === undefined ? undefined : { N: String(toHour) },
      );
      const items = queryItems(client, {
        TableName: tableName,
        KeyConditionExpression: `#pk = :pk${range.expr}`,
        ExpressionAttributeNames: { "#pk": keys.pk, ...(range.expr === "" ? {} : { "#sk": keys.sk }) },
        ExpressionAttributeValues: { ":pk": { S: BUCKET_REGISTRY_PK }, ...range.values },
        ConsistentRead: true,
      });
      for await (const item of items) {
        yield { hour: Number(item[keys.sk]?.N), shards: Math.max(...(item.shards?.NS ?? [String(shards)]).map(Number)) };
      }
    },
  };
};
