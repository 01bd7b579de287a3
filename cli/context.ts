import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { Client } from "@opensearch-project/opensearch";
import { Redis } from "ioredis";
import { readModelSettingsFromEnv } from "../handlers/read-model-settings.js";
import { GetQueueUrlCommand, QueueDoesNotExist, type SQSClient } from "@aws-sdk/client-sqs";
import { queueKeys, queueName, queues, queueUrlVariable, silentQueues, sqsClientFor, type ProjectionPorts, type QueueKey } from "../projections/index.js";
import { readInThisThread } from "./replay-batches.js";
import { readInReaderThread, type ReaderThreadReader } from "./replay-reader-thread.js";
import { createEventStore, dynamoDbClientFor, tableNames, type EventStore } from "../store/index.js";

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
  readonly openSearchAuth?: { readonly username: string; readonly password: string };
  /** The book search index (or alias) the projection writes. */
  readonly searchIndex: string;
  /** Unset: SQS in AWS; set: a local SQS (ElasticMQ). */
  readonly sqsEndpoint?: string;
  /** The registry's queues are named under it, unless their URL is given. */
  readonly queuePrefix: string;
  /** Queue URLs given outright (`FULFILMENT_QUEUE_URL`), by registry key. */
  readonly queueUrls: Partial<Record<QueueKey, string>>;
}

/** The same names the Lambda handlers and `npm start` read, so one environment serves all three. */
export const configHelp = `
Environment (the names the handlers read):
  DYNAMODB_ENDPOINT    a local DynamoDB, e.g. http://127.0.0.1:8000 (unset: AWS)
  TABLE_PREFIX         tables <prefix>-events and <prefix>-views (default "bookstore")
  EVENTS_TABLE         the events table, overriding the prefix
  VIEWS_TABLE          the views table, overriding the prefix
  REDIS_URL            default redis://127.0.0.1:6379 (rediss://user:token@host:port for ElastiCache)
  REDIS_PREFIX         key prefix of the Redis read models (default none)
  OPENSEARCH_URL       default http://127.0.0.1:9200
  OPENSEARCH_USERNAME, OPENSEARCH_PASSWORD   when the domain asks for them
  OPENSEARCH_INDEX     the book search index (default "books")
  SQS_ENDPOINT         a local SQS (ElasticMQ), e.g. http://127.0.0.1:9324 (unset: AWS)
  QUEUE_PREFIX         queues <prefix>-fulfilment.fifo … (default TABLE_PREFIX, else "bookstore")
  FULFILMENT_QUEUE_URL the fulfilment queue, overriding the prefix
Exit codes: 0 done, 1 failed, 2 bad usage.`;

export const configFromEnv = (env: NodeJS.ProcessEnv = process.env): CliConfig => {
  const names = tableNames(env.TABLE_PREFIX || "bookstore");
  // The read models exactly as the handlers read them; the CLI only adds local defaults for the servers.
  const readModels = readModelSettingsFromEnv(env);
  return {
    ...(env.DYNAMODB_ENDPOINT ? { dynamoDbEndpoint: env.DYNAMODB_ENDPOINT } : {}),
    eventsTable: env.EVENTS_TABLE || names.events,
    viewsTable: env.VIEWS_TABLE || names.views,
    redisUrl: readModels.redisUrl ?? "redis://127.0.0.1:6379",
    redisPrefix: readModels.redisPrefix ?? "",
    openSearchUrl: readModels.openSearchUrl ?? "http://127.0.0.1:9200",
    ...(readModels.openSearchAuth === undefined ? {} : { openSearchAuth: readModels.openSearchAuth }),
    searchIndex: readModels.searchIndex,
    ...(env.SQS_ENDPOINT ? { sqsEndpoint: env.SQS_ENDPOINT } : {}),
    queuePrefix: env.QUEUE_PREFIX || env.TABLE_PREFIX || "bookstore",
    queueUrls: Object.fromEntries(queueKeys.flatMap((k) => (env[queueUrlVariable(k)] ? [[k, env[queueUrlVariable(k)]]] : []))),
  };
};

export interface CliContext {
  readonly config: CliConfig;
  readonly dynamo: DynamoDBClient;
  readonly store: EventStore;
  /** How replays and rebuilds read history: in a reader thread beside the one that applies it (in this one while it starts), kept for the next read. */
  readonly readHistory: ReaderThreadReader;
  readonly ports: ProjectionPorts;
  /** An SQS client (made on first use) and the URL of a queue of the registry, to look at what waits there. */
  readonly sqs: SQSClient;
  queueUrl(key: QueueKey): Promise<string>;
  close(): Promise<void>;
}

/** Clients are made on first use, so `--help` and usage errors never touch a server. */
export const createContext = (config: CliConfig): CliContext => {
  const dynamo = dynamoDbClientFor(config.dynamoDbEndpoint);
  const redisClients: Redis[] = [];
  const redisWithPrefix = (prefix: string) => {
    const client = new Redis(config.redisUrl, { keyPrefix: prefix, lazyConnect: true, maxRetriesPerRequest: 2 });
    redisClients.push(client);
    return client;
  };
  const store = createEventStore({ client: dynamo, tableName: config.eventsTable });
  let sqs: SQSClient | undefined;
  const sqsClient = () => (sqs ??= sqsClientFor(config.sqsEndpoint));
  const readHistory = readInReaderThread(
    { ...(config.dynamoDbEndpoint === undefined ? {} : { dynamoDbEndpoint: config.dynamoDbEndpoint }), eventsTable: config.eventsTable },
    { meanwhile: readInThisThread(store) },
  );
  return {
    config,
    dynamo,
    store,
    readHistory,
    ports: {
      views: { client: DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } }), tableName: config.viewsTable },
      redis: redisWithPrefix(config.redisPrefix),
      // The OpenSearch client connects on first request, so commands that never search never touch it.
      search: { client: new Client({ node: config.openSearchUrl, ...(config.openSearchAuth === undefined ? {} : { auth: config.openSearchAuth }) }), index: config.searchIndex },
      // Replaying history must not announce old orders to other systems again: the CLI's bus publishes nothing.
      integration: { bus: { publish: async () => {} }, stockLowThreshold: 5 },
      // Nor ask for old orders to be shipped again: the CLI's queues send nothing.
      queues: silentQueues,
    },
    get sqs() {
      return sqsClient();
    },
    queueUrl: async (key) => {
      const given = config.queueUrls[key];
      if (given !== undefined) return given;
      const name = queueName(config.queuePrefix, queues[key]);
      try {
        const { QueueUrl } = await sqsClient().send(new GetQueueUrlCommand({ QueueName: name }));
        if (QueueUrl !== undefined) return QueueUrl;
      } catch (e) {
        if (!(e instanceof QueueDoesNotExist)) throw e;
      }
      throw new Error(`there is no queue ${name}${config.sqsEndpoint === undefined ? " (SQS_ENDPOINT is unset: AWS was asked)" : ` at ${config.sqsEndpoint}`}`);
    },
    close: async () => {
      sqs?.destroy();
      await readHistory.close();
      await Promise.all(redisClients.map((r) => (r.status === "wait" ? r.disconnect() : r.quit().then(() => undefined, () => undefined))));
      dynamo.destroy();
    },
  };
};
