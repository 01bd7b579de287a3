import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { Client, errors as searchErrors } from "@opensearch-project/opensearch";
import { Redis } from "ioredis";
import { inProcessBus } from "../../projections/integration-bus.js";
import type { ProjectionPorts, SearchPorts, ViewsPort } from "../../projections/ports.js";
import { DEFAULT_SEARCH_INDEX, type ReadModelSettings } from "../read-model-settings.js";

/** Where the read models live (`readModelSettingsFromEnv` reads it); absent servers are only an error when a query needs them. */
export type ReadModelConfig = Partial<ReadModelSettings>;

/** Search was not configured (e.g. `npm start -- --no-search`): the HTTP layer answers 503. */
export class SearchNotRunning extends Error {
  constructor() {
    super("search is not running");
    this.name = "SearchNotRunning";
  }
}

/**
 * The read models' servers down, restarting or too slow, as opposed to a fault of ours: the HTTP
 * layer answers 503 with Retry-After for these, and lets anything else be the 500 it is.
 */
const unreachable = /Command timed out|Connection is closed|Stream isn't writeable|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EHOSTUNREACH/;
/** Redis's own words for "not now": loading its data after a restart, busy with a script, and the like. */
const redisNotNow = /^(LOADING|BUSY|MASTERDOWN|TRYAGAIN|CLUSTERDOWN)\b/;

export const isRedisOutage = (e: unknown): boolean =>
  e instanceof Error &&
  (e.name === "MaxRetriesPerRequestError" || unreachable.test(e.message) || redisNotNow.test(e.message) || unreachable.test(String((e as { code?: unknown }).code)));

/**
 * A node that is down or not answering in time, one that answers that it cannot serve (429, 5xx:
 * while it recovers, a search finds no started shard and fails in its search phase), and an index
 * not made yet (the projection prepares it on start).
 */
export const isSearchOutage = (e: unknown): boolean => {
  if (e instanceof SearchNotRunning) return true;
  if (e instanceof searchErrors.ConnectionError || e instanceof searchErrors.TimeoutError || e instanceof searchErrors.NoLivingConnectionsError) return true;
  if (!(e instanceof searchErrors.ResponseError)) return false;
  const status = e.statusCode ?? 0;
  if (status === 429 || status >= 500) return true;
  return status === 404 && /index_not_found_exception/.test(JSON.stringify(e.body ?? ""));
};

/**
 * The projections' ports, each built on first use; `close` drops only what was built. The
 * queues are not read models: the read side that runs the projections brings them.
 */
export interface ReadModels extends Omit<ProjectionPorts, "queues"> {
  readonly searchConfigured: boolean;
  close(): Promise<void>;
}

/**
 * A query must not wait on a Redis that is down or hung: a command fails after one reconnect
 * attempt or 2 s, whichever comes first, and the client keeps reconnecting (every second at most)
 * so that the first request after Redis is back finds it.
 */
const connectRedis = (url: string, prefix: string | undefined): Redis => {
  const client = new Redis(url, {
    ...(prefix ? { keyPrefix: prefix } : {}),
    connectTimeout: 1000,
    commandTimeout: 2000,
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt) => Math.min(attempt * 100, 1000),
  });
  // Each command that fails says so to its caller; the client's own event would only repeat it in the log.
  client.on("error", () => {});
  return client;
};

export const createReadModels = (client: DynamoDBClient, viewsTable: string, config: ReadModelConfig): ReadModels => {
  let views: ViewsPort | undefined;
  let redis: Redis | undefined;
  let search: SearchPorts["search"] | undefined;
  return {
    get views() {
      return (views ??= { client: DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }), tableName: viewsTable });
    },
    get redis() {
      if (config.redisUrl === undefined) throw new Error("REDIS_URL is not set: the bestsellers read model has no Redis");
      return (redis ??= connectRedis(config.redisUrl, config.redisPrefix));
    },
    get search() {
      if (config.openSearchUrl === undefined) throw new SearchNotRunning();
      return (search ??= {
        client: new Client({ node: config.openSearchUrl, ...(config.openSearchAuth === undefined ? {} : { auth: config.openSearchAuth }) }),
        index: config.searchIndex ?? DEFAULT_SEARCH_INDEX,
      });
    },
    // Locally, integration events go to an in-process bus that records them (EventBridge has no
    // local server); in AWS the integration-events projector has its own EventBridge port.
    integration: { bus: inProcessBus(), stockLowThreshold: 5 },
    searchConfigured: config.openSearchUrl !== undefined,
    close: async () => {
      await Promise.all([redis?.quit(), search?.client.close()]);
    },
  };
};
