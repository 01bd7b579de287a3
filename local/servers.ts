import { startDynamoDbLocal, type DynamoDbLocalOptions } from "./dynamodb-local.js";
import { startElasticMq, type ElasticMqOptions } from "./elasticmq.js";
import { startOpenSearch, type OpenSearchOptions } from "./opensearch.js";
import { startRedis, type RedisOptions } from "./redis.js";

export interface LocalServersOptions {
  readonly dynamo: DynamoDbLocalOptions;
  readonly redis: RedisOptions;
  /** Absent: no OpenSearch (the search read model then needs another adapter). */
  readonly opensearch?: OpenSearchOptions;
  /** ElasticMQ, the SQS server the fulfilment queue lives on; absent: none. */
  readonly sqs?: ElasticMqOptions;
}

export interface LocalServers {
  readonly dynamoDbEndpoint: string;
  readonly redisUrl: string;
  readonly openSearchUrl?: string;
  readonly sqsEndpoint?: string;
  /** The servers this call started (not those it found running), for a benchmark's CPU figures. */
  readonly pids: { readonly dynamo?: number; readonly redis?: number; readonly opensearch?: number; readonly sqs?: number };
  /** Stops what this call started; servers that were already running are left alone. */
  stop(): Promise<void>;
}

/**
 * Starts the servers side by side (OpenSearch alone takes ~20 s). If one fails, the
 * others are stopped again before the error is thrown, so a failed start leaves nothing behind.
 */
export const startLocalServers = async ({ dynamo, redis, opensearch, sqs }: LocalServersOptions): Promise<LocalServers> => {
  const [d, r, o, q] = await Promise.allSettled([
    startDynamoDbLocal(dynamo),
    startRedis(redis),
    opensearch === undefined ? Promise.resolve(undefined) : startOpenSearch(opensearch),
    sqs === undefined ? Promise.resolve(undefined) : startElasticMq(sqs),
  ]);
  const started = [d, r, o, q].flatMap((s) => (s.status === "fulfilled" && s.value !== undefined ? [s.value] : []));
  const stop = async () => {
    await Promise.all(started.map((s) => s.stop()));
  };
  if (d.status === "rejected" || r.status === "rejected" || o.status === "rejected" || q.status === "rejected") {
    await stop();
    const reasons = [d, r, o, q].flatMap((s) => (s.status === "rejected" ? [s.reason instanceof Error ? s.reason.message : String(s.reason)] : []));
    throw new Error(`Local servers failed to start:\n- ${reasons.join("\n- ")}`);
  }
  return {
    dynamoDbEndpoint: d.value.endpoint,
    redisUrl: r.value.url,
    ...(o.value === undefined ? {} : { openSearchUrl: o.value.url }),
    ...(q.value === undefined ? {} : { sqsEndpoint: q.value.endpoint }),
    pids: {
      ...(d.value.pid === undefined ? {} : { dynamo: d.value.pid }),
      ...(r.value.pid === undefined ? {} : { redis: r.value.pid }),
      ...(o.value?.pid === undefined ? {} : { opensearch: o.value.pid }),
      ...(q.value?.pid === undefined ? {} : { sqs: q.value.pid }),
    },
    stop,
  };
};
