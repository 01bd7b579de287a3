import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import { type Either, isLeft, right } from "fp-ts/lib/Either.js";
import type { StoredEvent, StreamId } from "../events/index.js";
import { decodeEventItem } from "./event-item.js";
import type { KnownVersions } from "./known-versions.js";
import { queryItems } from "./query-pages.js";
import { keys } from "./tables.js";
import type { LoadedStream, ReadResult, ReadStreamOptions, StoredItemDecodeError } from "./types.js";

export interface ReadDeps {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly known: KnownVersions;
}

export async function* readStream(deps: ReadDeps, streamId: StreamId, options: ReadStreamOptions = {}): AsyncGenerator<ReadResult> {
  const items = queryItems(deps.client, {
    TableName: deps.tableName,
    KeyConditionExpression: "pk = :pk AND sk >= :from",
    ExpressionAttributeValues: { ":pk": { S: streamId }, ":from": { N: String(options.fromVersion ?? 1) } },
    ConsistentRead: true,
    Limit: options.pageSize,
  });
  for await (const item of items) {
    const kind = item.kind?.S;
    // Other kinds (snapshots, say) may share the partition; they are not events.
    if (kind !== undefined && kind !== "event") continue;
    deps.known.saw(streamId, Number(item[keys.sk]?.N));
    yield decodeEventItem(unmarshall(item));
  }
}

export const loadStream = async (
  deps: ReadDeps,
  streamId: StreamId,
  fromVersion = 1,
): Promise<Either<StoredItemDecodeError, LoadedStream>> => {
  const events: StoredEvent[] = [];
  for await (const result of readStream(deps, streamId, { fromVersion })) {
    if (isLeft(result)) return result;
    events.push(result.right);
  }
  return right({ events, version: events.at(-1)?.version ?? fromVersion - 1 });
};

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
