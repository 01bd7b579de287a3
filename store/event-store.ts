import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { append, createCounter, findCommand, readCounters } from "./append.js";
import { type AppendSettings, planDeps } from "./append-plan.js";
import { bucketRegistry } from "./bucket-registry.js";
import { readAll } from "./read-all.js";
import { loadStream, readStream, streamVersion } from "./read-stream.js";
import type { EventStore } from "./types.js";

export interface EventStoreConfig extends AppendSettings {
  readonly client: DynamoDBClient;
  readonly tableName: string;
}

export const createEventStore = (config: EventStoreConfig): EventStore => {
  const { client, tableName } = config;
  const planning = planDeps(config);
  const buckets = bucketRegistry(client, tableName, planning.shards);
  const deps = { client, tableName, known: planning.known };
  return {
    append: append({ ...deps, ...planning, buckets }),
    readStream: (streamId, options) => readStream(deps, streamId, options),
    loadStream: (streamId, fromVersion) => loadStream(deps, streamId, fromVersion),
    streamVersion: (streamId) => streamVersion(deps, streamId),
    readAll: (options) => readAll({ ...deps, buckets }, options),
    findCommand: (commandId) => findCommand(deps, commandId),
    readCounters: (ids) => readCounters(deps, ids),
    createCounter: (key, values) => createCounter(deps, key, values),
  };
};
