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
  }, { readAhead: true });
};

/**
 * `source`, already asked for its first item: the next hour's first pages are read while the
 * caller still works through this hour's, instead of after.
 */
const startedEarly = <T>(source: AsyncIterable<T>): AsyncIterable<T> => {
  const iterator = source[Symbol.asyncIterator]();
  let first: Promise<IteratorResult<T>> | undefined = iterator.next();
  // Awaited when this hour's turn comes; until then a failure must not count as unhandled.
  first.catch(() => undefined);
  return {
    [Symbol.asyncIterator]: () => ({
      next: () => {
        const head = first ?? iterator.next();
        first = undefined;
        return head;
      },
      return: async () => {
        first = undefined;
        return (await iterator.return?.()) ?? { done: true, value: undefined };
      },
    }),
  };
};

/**
 * How long after minting an event's id `readAll` may still not show it: the append that minted
 * the id may still be committing (its retries back off for seconds when DynamoDB Local's lock is
 * busy), and the time index is written after the table. A reader that moves a checkpoint along
 * `readAll` never moves it past ids younger than this, or an event committing behind it is lost.
 */
export const READ_ALL_SETTLE_MS = 10_000;

const eventIdOf = (item: Item): string => item[keys.byTime.sk]?.S ?? "";

/**
 * Every event in ULID order: the registered hours one after another, and within an hour the
 * shards merged by eventId. Memory stays bounded whatever the history's length: at most two
 * pages per shard of this hour (the next one is read ahead) and the first pages of the next
 * hour, which are read while this one is worked through, so the server and the caller do not
 * wait for each other at every hour.
 */
export async function* readAll(deps: ReadAllDeps, options: ReadAllOptions = {}): AsyncGenerator<ReadResult> {
  const from = options.from === undefined ? undefined : ulidBound(options.from);
  const to = options.to === undefined ? undefined : ulidBound(options.to);
  const hours = deps.buckets.list(
    from === undefined ? undefined : hourOfId(from),
    to === undefined ? undefined : hourOfId(to),
  );
  const startHour = ({ hour, shards: count }: { readonly hour: number; readonly shards: number }) =>
    Array.from({ length: count }, (_, shard) => startedEarly(shardItems(deps, hour, shard, from, to, options.pageSize)));
  const hourList = hours[Symbol.asyncIterator]();
  let listed = await hourList.next();
  let current = listed.done === true ? undefined : startHour(listed.value);
  let upcoming: AsyncIterable<Item>[] | undefined;
  try {
    while (current !== undefined) {
      listed = await hourList.next();
      upcoming = listed.done === true ? undefined : startHour(listed.value);
      for await (const item of mergeSorted(current, eventIdOf)) {
        // The key condition includes its upper end; `to` is exclusive.
        if (to !== undefined && eventIdOf(item) >= to) continue;
        yield decodeEventItem(unmarshall(item));
      }
      current = upcoming;
      upcoming = undefined;
    }
  } finally {
    // A caller that stops early leaves the next hour begun: its queries are let go.
    await Promise.all((upcoming ?? []).map((source) => source[Symbol.asyncIterator]().return?.()));
    await hourList.return?.();
  }
}
