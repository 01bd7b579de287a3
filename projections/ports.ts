import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { Client } from "@opensearch-project/opensearch";
import type { Redis } from "ioredis";
import type { IntegrationPorts } from "./integration-bus.js";
import type { QueuePorts } from "./message-queue.js";

/** The views table: read models and dead letters, never the events. */
export interface ViewsPort {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** Put before every view's partition key: a rebuild's new generation lives beside the live one. */
  readonly keyPrefix?: string;
}

export interface ViewPorts {
  readonly views: ViewsPort;
}

/** Bestsellers and ratings; a key prefix on the client keeps tenants (and test files) apart. */
export interface RedisPorts {
  readonly redis: Redis;
  /** Put before the read model's keys (after the client's own prefix): a rebuild's new generation. */
  readonly redisKeyPrefix?: string;
}

/**
 * The book search index: an OpenSearch client and the index name. Readers search the configured
 * name, an alias; a generation's port also names that alias, and then `index` is the
 * generation's own index, which the alias points to only once the generation is live.
 */
export interface SearchPorts {
  readonly search: { readonly client: Client; readonly index: string; readonly alias?: string };
}

/** Everything the registry's projections need together. */
export type ProjectionPorts = ViewPorts & RedisPorts & SearchPorts & IntegrationPorts & QueuePorts;
