import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import { type Either, isLeft, right } from "fp-ts/lib/Either.js";
import type { StoredEvent, StreamId } from "../events/index.js";
import { decodeEventItem } from "./event-item.js";
import type { KnownVersions } from "./known-versions.js";
import { type Item, queryItems } from "./query-pages.js";
import { keys } from "./tables.js";
import type { LoadedStream, ReadResult, ReadStreamOptions, StoredItemDecodeError } from "./types.js";

export interface ReadDeps {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly known: KnownVersions;
}

/**
 * The events among a stream's items, in the order given (its versions'), each decoded; items of
 * other kinds sharing the partition (a snapshot, say) are not events and are left out.
 */
export async function* eventsOfPartition(
  items: AsyncIterable<Item> | Iterable<Item>,
  streamId: StreamId,
  known: KnownVersions,
): AsyncGenerator<ReadResult> {
  for await (const item of items) {
    const kind = item.kind?.S;
    if (kind !== undefined && kind !== "event") continue;
    known.saw(streamId, Number(item[keys.sk]?.N));
    yield decodeEventItem(unmarshall(item));
  }
}

export const readStream = (deps: ReadDeps, streamId: StreamId, options: ReadStreamOptions = {}): AsyncGenerator<ReadResult> =>
  eventsOfPartition(
    queryItems(deps.client, {
      TableName: deps.tableName,
      KeyConditionExpression: "pk = :pk AND sk >= :from",
      ExpressionAttributeValues: { ":pk": { S: streamId }, ":from": { N: String(options.fromVersion ?? 1) } },
      ConsistentRead: true,
      Limit: options.pageSize,
    }),
    streamId,
    deps.known,
  );

/** A stream read from `fromVersion` to its end, in memory; the first undecodable item fails it. */
export const loadRead = async (read: AsyncIterable<ReadResult>, fromVersion: number): Promise<Either<StoredItemDecodeError, LoadedStream>> => {
  const events: StoredEvent[] = [];
  for await (const result of read) {
    if (isLeft(result)) return result;
    events.push(result.right);
  }
  return right({ events, version: events.at(-1)?.version ?? fromVersion - 1 });
};

export const loadStream = (deps: ReadDeps, streamId: StreamId, fromVersion = 1): Promise<Either<StoredItemDecodeError, LoadedStream>> =>
  loadRead(readStream(deps, streamId, { fromVersion }), fromVersion);

export const streamVersion = async (deps: ReadDeps, streamId: StreamId): Promise<number> => {
  const items = queryItems(deps.client, {
    TableName: deps.tableName,
    KeyConditionExpression: "pk = :pk AND sk >= :one",
    FilterExpression: "#kind = :event",
    ExpressionAttributeNames: { "#kind": "kind" },
    ExpressionAttributeValues: { ":pk": { S: streamId }, ":one": { N: "1" }, ":event": { S: "event" } },
    ProjectionExpression: keys.sk,
    ConsistentRead: true,
    ScanIndexForward: false,
    Limit: 1,
  });
  for await (const item of items) {
    const version = Number(item[keys.sk]?.N);
    deps.known.saw(streamId, version);
    return version;
  }
  return 0;
};
