import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { Client } from "@opensearch-project/opensearch";
import { Redis } from "ioredis";
import { inProcessBus } from "../../projections/integration-bus.js";
import type { ProjectionPorts, SearchPorts, ViewsPort } from "../../projections/ports.js";

/** Where the read models live; absent servers are only an error when a query needs them. */
export interface ReadModelConfig {
  readonly redisUrl?: string;
  /** Put before every key, so several deployments (or test files) can share one Redis. */
  readonly redisPrefix?: string;
  readonly openSearchUrl?: string;
  readonly openSearchUsername?: string;
  readonly openSearchPassword?: string;
  /** The book search index (or alias); default `books`. */
  readonly searchIndex?: string;
}

/** Search was not configured (e.g. `npm start -- --no-search`): the HTTP layer answers 503. */
export class SearchNotRunning extends Error {
  constructor() {
    super("search is not running");
    this.name = "SearchNotRunning";
  }
}

/** The projections' ports, each built on first use; `close` drops only what was built. */
export interface ReadModels extends ProjectionPorts {
  readonly searchConfigured: boolean;
  close(): Promise<void>;
}

const optional = <K extends string>(key: K, value: string | undefined): { [P in K]?: string } =>
  (value ? { [key]: value } : {}) as { [P in K]?: string };

export const readModelConfigFromEnv = (env: NodeJS.ProcessEnv): ReadModelConfig => ({
  ...optional("redisUrl", env.REDIS_URL),
  ...optional("redisPrefix", env.REDIS_PREFIX),
  ...optional("openSearchUrl", env.OPENSEARCH_URL),
  ...optional("openSearchUsername", env.OPENSEARCH_USERNAME),
  ...optional("openSearchPassword", env.OPENSEARCH_PASSWORD),
  ...optional("searchIndex", env.SEARCH_INDEX),
});

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
      return (redis ??= new Redis(config.redisUrl, { ...(config.redisPrefix ? { keyPrefix: config.redisPrefix } : {}), maxRetriesPerRequest: 3 }));
    },
    get search() {
      if (config.openSearchUrl === undefined) throw new SearchNotRunning();
      const { openSearchUsername: username, openSearchPassword: password } = config;
      return (search ??= {
        client: new Client({ node: config.openSearchUrl, ...(username && password ? { auth: { username, password } } : {}) }),
        index: config.searchIndex ?? "books",
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
