import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { Client } from "@opensearch-project/opensearch";
import { Redis } from "ioredis";
import type { ProjectionPorts } from "../projections/index.js";
import { createEventStore, dynamoDbLocalRetry, tableNames, type EventStore } from "../store/index.js";

/** Where the CLI finds the store and the read models; every value comes from the environment. */
export interface CliConfig {
  /** Unset: the SDK's own resolution (AWS); set: a local DynamoDB. */
  readonly dynamoDbEndpoint?: string;
  readonly eventsTable: string;
  readonly viewsTable: string;
  readonly redisUrl: string;
  /** Prepended to every Redis key, as the live projectors are configured. */
  readonly redisPrefix: string;
  readonly openSearchUrl: string;
  /** The book search index (or alias) the projection writes. */
  readonly searchIndex: string;
}

export const configHelp = `
Environment:
  BOOKSTORE_DYNAMODB_ENDPOINT  a local DynamoDB, e.g. http://127.0.0.1:8000 (unset: AWS)
  BOOKSTORE_TABLE_PREFIX       tables <prefix>-events and <prefix>-views (default "bookstore")
  BOOKSTORE_EVENTS_TABLE       the events table, overriding the prefix
  BOOKSTORE_VIEWS_TABLE        the views table, overriding the prefix
  BOOKSTORE_REDIS_URL          default redis://127.0.0.1:6379
  BOOKSTORE_REDIS_PREFIX       key prefix of the Redis read models (default none)
  BOOKSTORE_OPENSEARCH_URL     default http://127.0.0.1:9200
  BOOKSTORE_SEARCH_INDEX       the book search index (default "books")
Exit codes: 0 done, 1 failed, 2 bad usage.`;

export const configFromEnv = (env: NodeJS.ProcessEnv = process.env): CliConfig => {
  const names = tableNames(env.BOOKSTORE_TABLE_PREFIX ?? "bookstore");
  return {
    ...(env.BOOKSTORE_DYNAMODB_ENDPOINT === undefined ? {} : { dynamoDbEndpoint: env.BOOKSTORE_DYNAMODB_ENDPOINT }),
    eventsTable: env.BOOKSTORE_EVENTS_TABLE ?? names.events,
    viewsTable: env.BOOKSTORE_VIEWS_TABLE ?? names.views,
    redisUrl: env.BOOKSTORE_REDIS_URL ?? "redis://127.0.0.1:6379",
    redisPrefix: env.BOOKSTORE_REDIS_PREFIX ?? "",
    openSearchUrl: env.BOOKSTORE_OPENSEARCH_URL ?? "http://127.0.0.1:9200",
    searchIndex: env.BOOKSTORE_SEARCH_INDEX ?? "books",
  };
};

export interface CliContext {
  readonly config: CliConfig;
  readonly dynamo: DynamoDBClient;
  readonly store: EventStore;
  readonly ports: ProjectionPorts;
  close(): Promise<void>;
}

/** Clients are made on first use, so `--help` and usage errors never touch a server. */
export const createContext = (config: CliConfig): CliContext => {
  const aws = config.dynamoDbEndpoint === undefined
    ? {}
    : { endpoint: config.dynamoDbEndpoint, region: "localhost", credentials: { accessKeyId: "local", secretAccessKey: "local" }, retryStrategy: dynamoDbLocalRetry(12) };
  const dynamo = new DynamoDBClient(aws);
  const redisClients: Redis[] = [];
  const redisWithPrefix = (prefix: string) => {
    const client = new Redis(config.redisUrl, { keyPrefix: prefix, lazyConnect: true, maxRetriesPerRequest: 2 });
    redisClients.push(client);
    return client;
  };
  return {
    config,
    dynamo,
    store: createEventStore({ client: dynamo, tableName: config.eventsTable }),
    ports: {
      views: { client: DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } }), tableName: config.viewsTable },
      redis: redisWithPrefix(config.redisPrefix),
      // The OpenSearch client connects on first request, so commands that never search never touch it.
      search: { client: new Client({ node: config.openSearchUrl }), index: config.searchIndex },
      // Replaying history must not announce old orders to other systems again: the CLI's bus publishes nothing.
      integration: { bus: { publish: async () => {} }, stockLowThreshold: 5 },
    },
    close: async () => {
      await Promise.all(redisClients.map((r) => (r.status === "wait" ? r.disconnect() : r.quit().then(() => undefined, () => undefined))));
      dynamo.destroy();
    },
  };
};
