import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { monotonicFactory } from "ulid";
import { LocalPaymentGateway } from "../../domain/local-payment-gateway.js";
import type { PaymentGateway } from "../../domain/payment-gateway.js";
import { createEventStore, createSnapshotStore, dynamoDbClientFor, type EventStore, type SnapshotStore, type TableNames } from "../../store/index.js";
import { createCommandHandler, type CommandHandler } from "../commands/handle.js";
import type { CommandDeps } from "../commands/deps.js";
import { httpLogger } from "./logger.js";
import { readModelSettingsFromEnv } from "../read-model-settings.js";
import { createReadModels, type ReadModelConfig, type ReadModels } from "./read-models.js";

/** What the HTTP handlers need from the outside world, built once per process (per Lambda container). */
export interface Runtime {
  readonly client: DynamoDBClient;
  readonly tables: TableNames;
  readonly store: EventStore;
  readonly commands: CommandHandler;
  /** What command handling loads and appends with (snapshots included). */
  readonly deps: CommandDeps;
  readonly newId: () => string;
  /** The read models the queries answer from; each server is reached only when a query needs it. */
  readonly readModels: ReadModels;
}

/**
 * All a query route is given: the read models. Queries never load an aggregate or read the
 * event store (they would read the partitions the commands write); the type keeps them to that.
 */
export type QueryRuntime = Pick<Runtime, "readModels">;

export interface RuntimeConfig {
  readonly tables: TableNames;
  /** DynamoDB Local's address; absent in AWS, where the SDK finds the regional endpoint. */
  readonly dynamoDbEndpoint?: string;
  readonly payments?: PaymentGateway;
  readonly readModels?: ReadModelConfig;
  /** Stores to keep events and snapshots in instead of the events table (the in-memory ones, in tests of the HTTP layer's decisions). */
  readonly eventStores?: { readonly store: EventStore; readonly snapshots: SnapshotStore };
}

/** Plain configuration, the same names SST links into each function's environment. */
export const runtimeConfigFromEnv = (env: NodeJS.ProcessEnv = process.env): RuntimeConfig => {
  const events = env.EVENTS_TABLE;
  const views = env.VIEWS_TABLE;
  if (!events || !views) throw new Error("EVENTS_TABLE and VIEWS_TABLE must name the DynamoDB tables");
  return {
    tables: { events, views },
    ...(env.DYNAMODB_ENDPOINT ? { dynamoDbEndpoint: env.DYNAMODB_ENDPOINT } : {}),
    readModels: readModelSettingsFromEnv(env),
  };
};

export const createRuntime = (config: RuntimeConfig): Runtime => {
  const client = dynamoDbClientFor(config.dynamoDbEndpoint, process.env.AWS_REGION);
  const store = config.eventStores?.store ?? createEventStore({ client, tableName: config.tables.events });
  const mint = monotonicFactory();
  const newId = () => mint();
  const deps: CommandDeps = {
    store,
    snapshots: config.eventStores?.snapshots ?? createSnapshotStore({ client, tableName: config.tables.events }),
    // The only gateway there is so far; a real processor's adapter replaces it here and nowhere else.
    payments: config.payments ?? new LocalPaymentGateway(),
    clock: () => new Date(),
    newId,
    random: Math.random,
    onDeferred: (error) => httpLogger.warn("an order's follow-up is left to the order process", { error: error instanceof Error ? error : JSON.stringify(error) }),
  };
  const readModels = createReadModels(client, config.tables.views, config.readModels ?? {});
  return { client, tables: config.tables, store, commands: createCommandHandler(deps), deps, newId, readModels };
};

/** A runtime made on first use, so importing the route table (OpenAPI, SST) needs no configuration. */
export const lazyRuntime = (make: () => Runtime): (() => Runtime) => {
  let built: Runtime | undefined;
  return () => (built ??= make());
};

export const runtimeFromEnv = lazyRuntime(() => createRuntime(runtimeConfigFromEnv()));
