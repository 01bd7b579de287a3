import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { Client } from "@opensearch-project/opensearch";
import { Redis } from "ioredis";
import { eventBridgeBus } from "../../projections/eventbridge-bus.js";
import type { IntegrationPorts } from "../../projections/integration-bus.js";
import type { QueuePorts } from "../../projections/message-queue.js";
import { queueKeys, queueName, queues, queueUrlVariable } from "../../projections/queues.js";
import { sqsClientFor, sqsQueue } from "../../projections/sqs-queue.js";
import type { RedisPorts, SearchPorts, ViewPorts } from "../../projections/ports.js";
import { dynamoDbClientFor } from "../../store/index.js";
import { readModelSettingsFromEnv } from "../read-model-settings.js";

/**
 * A projector's ports from plain environment variables, the names SST sets on each function:
 * each projector builds only the ports of the stores it declares, since only those are linked.
 */
type Env = NodeJS.ProcessEnv;

const required = (env: Env, name: string): string => {
  const value = env[name];
  if (!value) throw new Error(`${name} must be set`);
  return value;
};

/** `VIEWS_TABLE`; `DYNAMODB_ENDPOINT` only off AWS (DynamoDB Local). */
export const viewPortsFromEnv = (env: Env = process.env): ViewPorts => {
  const endpoint = env.DYNAMODB_ENDPOINT;
  const client = dynamoDbClientFor(endpoint, env.AWS_REGION);
  return {
    views: {
      client: DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }),
      tableName: required(env, "VIEWS_TABLE"),
    },
  };
};

/** `REDIS_URL` (`rediss://user:token@host:port` for ElastiCache) and `REDIS_PREFIX`, the prefix the queries read under. */
export const redisPortsFromEnv = (env: Env = process.env): RedisPorts => {
  const { redisPrefix } = readModelSettingsFromEnv(env);
  return { redis: new Redis(required(env, "REDIS_URL"), { maxRetriesPerRequest: 3, ...(redisPrefix === undefined ? {} : { keyPrefix: redisPrefix }) }) };
};

/** `OPENSEARCH_URL`, with `OPENSEARCH_USERNAME`/`OPENSEARCH_PASSWORD` when the domain asks; `OPENSEARCH_INDEX` (default `books`). */
export const searchPortsFromEnv = (env: Env = process.env): SearchPorts => {
  const settings = readModelSettingsFromEnv(env);
  return {
    search: {
      client: new Client({ node: required(env, "OPENSEARCH_URL"), ...(settings.openSearchAuth === undefined ? {} : { auth: settings.openSearchAuth }) }),
      index: settings.searchIndex,
    },
  };
};

export const DEFAULT_STOCK_LOW_THRESHOLD = 5;

/** `EVENT_BUS_NAME`; `STOCK_LOW_THRESHOLD` (default 5 copies). */
export const integrationPortsFromEnv = (env: Env = process.env): IntegrationPorts => {
  const threshold = Number(env.STOCK_LOW_THRESHOLD ?? DEFAULT_STOCK_LOW_THRESHOLD);
  if (!Number.isInteger(threshold) || threshold < 1) throw new Error("STOCK_LOW_THRESHOLD must be a positive integer");
  return {
    integration: {
      bus: eventBridgeBus({ client: new EventBridgeClient({}), busName: required(env, "EVENT_BUS_NAME") }),
      stockLowThreshold: threshold,
    },
  };
};

/**
 * The registry's queues on SQS: each queue's URL from `<KEY>_QUEUE_URL` (`FULFILMENT_QUEUE_URL`,
 * which SST sets), else looked up by its name under `QUEUE_PREFIX` (default `TABLE_PREFIX`, else
 * `bookstore`), as locally; `SQS_ENDPOINT` only off AWS (ElasticMQ).
 */
export const queuePortsFromEnv = (env: Env = process.env): QueuePorts => {
  const client = sqsClientFor(env.SQS_ENDPOINT, env.AWS_REGION);
  const prefix = env.QUEUE_PREFIX || env.TABLE_PREFIX || "bookstore";
  const queueOf = (key: (typeof queueKeys)[number]) => {
    const url = env[queueUrlVariable(key)];
    return sqsQueue({ client, queue: url ? { url } : { name: queueName(prefix, queues[key]) } });
  };
  return { queues: Object.fromEntries(queueKeys.map((k) => [k, queueOf(k)])) as QueuePorts["queues"] };
};
