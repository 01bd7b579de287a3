import { startDynamoDbLocal, type DynamoDbLocalOptions } from "./dynamodb-local.js";
import { startOpenSearch, type OpenSearchOptions } from "./opensearch.js";
import { startRedis, type RedisOptions } from "./redis.js";

export interface LocalServersOptions {
  readonly dynamo: DynamoDbLocalOptions;
  readonly redis: RedisOptions;
  /** Absent: no OpenSearch (the search read model then needs another adapter). */
  readonly opensearch?: OpenSearchOptions;
}

export interface LocalServers {
  readonly dynamoDbEndpoint: string;
  readonly redisUrl: string;
  readonly openSearchUrl?: string;
  /** The servers this call started (not those it found running), for a benchmark's CPU figures. */
  readonly pids: { readonly dynamo?: number; readonly redis?: number; readonly opensearch?: number };
  /** Stops what this call started; servers that were already running are left alone. */
  stop(): Promise<void>;
}

/**
 * Starts the three servers side by side (OpenSearch alone takes ~20 s). If one fails, the
 * others are stopped again before the error is thrown, so a failed start leaves nothing behind.
 */
export const startLocalServers = async ({ dynamo, redis, opensearch }: LocalServersOptions): Promise<LocalServers> => {
  const [d, r, o] = await Promise.allSettled([
    startDynamoDbLocal(dynamo),
    startRedis(redis),
    opensearch === undefined ? Promise.resolve(undefined) : startOpenSearch(opensearch),
  ]);
  const started = [d, r, o].flatMap((s) => (s.status === "fulfilled" && s.value !== undefined ? [s.value] : []));
  const stop = async () => {
    await Promise.all(started.map((s) => s.stop()));
  };
  if (d.status === "rejected" || r.status === "rejected" || o.status === "rejected") {
    await stop();
    const reasons = [d, r, o].flatMap((s) => (s.status === "rejected" ? [s.reason instanceof Error ? s.reason.message : String(s.reason)] : []));
    throw new Error(`Local servers failed to start:\n- ${reasons.join("\n- ")}`);
  }
  return {
    dynamoDbEndpoint: d.value.endpoint,
    redisUrl: r.value.url,
    ...(o.value === undefined ? {} : { openSearchUrl: o.value.url }),
    pids: { ...(d.value.pid === undefined ? {} : { dynamo: d.value.pid }), ...(r.value.pid === undefined ? {} : { redis: r.value.pid }), ...(o.value?.pid === undefined ? {} : { opensearch: o.value.pid }) },
    stop,
  };
};
