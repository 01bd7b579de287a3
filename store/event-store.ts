import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { append, createCounter, findCommand, readCounters } from "./append.js";
import { bucketRegistry } from "./bucket-registry.js";
import { eventIds } from "./event-ids.js";
import { knownVersions } from "./known-versions.js";
import { readAll } from "./read-all.js";
import { loadStream, readStream, streamVersion } from "./read-stream.js";
import type { EventStore } from "./types.js";

export interface EventStoreConfig {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly clock?: () => Date;
  /**
   * Mints event ids: ULIDs, monotonic within the process. The default takes its time from
   * `clock`, so an injected clock moves the ids (and their time buckets) with it.
   */
  readonly newId?: () => string;
  /** Partitions per hour of the time-bucket index; more spread writes, readAll merges them all. */
  readonly shards?: number;
  /** How long an idempotency record is kept (DynamoDB TTL); default 7 days. */
  readonly commandTtlSeconds?: number;
}

export const createEventStore = (config: EventStoreConfig): EventStore => {
  const { client, tableName } = config;
  const clock = config.clock ?? (() => new Date());
  const newId = config.newId ?? eventIds(clock);
  const shards = config.shards ?? 4;
  if (!Number.isInteger(shards) || shards < 1) throw new RangeError(`shards must be a positive integer, not ${shards}`);
  const buckets = bucketRegistry(client, tableName, shards);
  const deps = { client, tableName, known: knownVersions() };
  return {
    append: append({ ...deps, clock, newId, shards, buckets, commandTtlSeconds: config.commandTtlSeconds ?? 7 * 24 * 3600 }),
    readStream: (streamId, options) => readStream(deps, streamId, options),
    loadStream: (streamId, fromVersion) => loadStream(deps, streamId, fromVersion),
    streamVersion: (streamId) => streamVersion(deps, streamId),
    readAll: (options) => readAll({ ...deps, buckets }, options),
    findCommand: (commandId) => findCommand(deps, commandId),
    readCounters: (ids) => readCounters(deps, ids),
    createCounter: (key, values) => createCounter(deps, key, values),
  };
};
