import { unmarshall } from "@aws-sdk/util-dynamodb";
import { decodeEventItem } from "./event-item.js";
import type { BucketRegistry } from "./bucket-registry.js";
import { mergeSorted } from "./merge-sorted.js";
import { type Item, queryItems, sortKeyRange } from "./query-pages.js";
import type { ReadDeps } from "./read-stream.js";
import { keys } from "./tables.js";
import { bucketKey, hourOfId, ulidBound } from "./time-buckets.js";
import type { ReadAllOptions, ReadResult } from "./types.js";

export interface ReadAllDeps extends ReadDeps {
  readonly buckets: BucketRegistry;
}

/** One shard of one hour, in eventId order, within [from, to). */
const shardItems = (deps: ReadAllDeps, hour: number, shard: number, from: string | undefined, to: string | undefined, pageSize?: number) => {
  const { pk, sk, indexName } = keys.byTime;
  const range = sortKeyRange(from === undefined ? undefined : { S: from }, to === undefined ? undefined : { S: to });
  return queryItems(deps.client, {
    TableName: deps.tableName,
    IndexName: indexName,
    KeyConditionExpression: `#pk = :bucket${range.expr}`,
    ExpressionAttributeNames: { "#pk": pk, ...(range.expr === "" ? {} : { "#sk": sk }) },
    ExpressionAttributeValues: { ":bucket": { S: bucketKey(hour, shard) }, ...range.values },
    Limit: pageSize,
  });
};

const eventIdOf = (item: Item): string => item[keys.byTime.sk]?.S ?? "";

/**
 * Every event in ULID order: the registered hours one after another, and within an hour the
 * shards merged by eventId. Only one page per shard is held at a time.
 */
export async function* readAll(deps: ReadAllDeps, options: ReadAllOptions = {}): AsyncGenerator<ReadResult> {
  const from = options.from === undefined ? undefined : ulidBound(options.from);
  const to = options.to === undefined ? undefined : ulidBound(options.to);
  const hours = deps.buckets.list(
    from === undefined ? undefined : hourOfId(from),
    to === undefined ? undefined : hourOfId(to),
  );
  for await (const { hour, shards: count } of hours) {
    const shards = Array.from({ length: count }, (_, shard) => shardItems(deps, hour, shard, from, to, options.pageSize));
    for await (const item of mergeSorted(shards, eventIdOf)) {
      // The key condition includes its upper end; `to` is exclusive.
      if (to !== undefined && eventIdOf(item) >= to) continue;
      yield decodeEventItem(unmarshall(item));
    }
  }
}
