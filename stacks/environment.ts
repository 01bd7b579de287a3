import { queueUrlVariable } from "../projections/queues.js";
import type { MessageQueue } from "./queues.js";
import type { Tables } from "./tables.js";
import type { ReadModelServers } from "./read-model-servers.js";

/**
 * Handlers read their configuration from plain environment variables, never from SST, so the
 * same code runs in AWS, under `sst dev` and in `npm start`. These are the names.
 */
export type Environment = Record<string, $util.Input<string>>;

export const tableEnvironment = (tables: Tables): Environment => ({
  EVENTS_TABLE: tables.events.name,
  VIEWS_TABLE: tables.views.name,
});

export const searchEnvironment = (servers: ReadModelServers): Environment => ({
  OPENSEARCH_URL: servers.search.url,
  OPENSEARCH_USERNAME: servers.search.username,
  OPENSEARCH_PASSWORD: servers.search.password,
});

/**
 * One URL, as ioredis takes it: `rediss://user:token@host:port` in AWS (ElastiCache requires
 * TLS and an auth token), `redis://host:port` for the local server under `sst dev`.
 */
export const cacheEnvironment = ({ cache }: ReadModelServers): Environment => ({
  REDIS_URL: $resolve({ user: cache.username, token: cache.password, host: cache.host, port: cache.port }).apply(({ user, token, host, port }) =>
    token ? `rediss://${encodeURIComponent(user)}:${encodeURIComponent(token)}@${host}:${port}` : `redis://${host}:${port}`,
  ),
});

export const busEnvironment = (bus: sst.aws.Bus): Environment => ({ EVENT_BUS_NAME: bus.name });

/** `FULFILMENT_QUEUE_URL`: the sender never looks a queue up by name in AWS. */
export const queueEnvironment = (q: MessageQueue): Environment => ({ [queueUrlVariable(q.key)]: q.queue.url });
