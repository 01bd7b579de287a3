import type { CachePolicy } from "../handlers/http/caching.js";
import type { Route } from "../handlers/http/route.js";

/**
 * What the infrastructure needs of a route: the rest of the route table is the handler's
 * business. A route whose response has a cache policy is one the CDN may keep.
 */
export type RouteSpec = Pick<Route<unknown, unknown, unknown, unknown>, "operationId" | "method" | "path" | "auth"> & {
  readonly response?: { readonly cache?: CachePolicy };
};

/** Read models a projector writes besides the views table; each one is linked only where declared. */
export type ReadModelStore = "search" | "cache" | "bus" | "queue" | "events";

/** The shape of a projection in the registry, as far as its stream subscription goes. */
export interface ProjectionSpec {
  /** Kebab case, unique; the subscriber's function finds its projection by it (`PROJECTION_NAME`). */
  readonly name: string;
  readonly eventTypes: readonly string[];
  readonly batch: {
    readonly batchSize: number;
    readonly maximumBatchingWindowSeconds: number;
    readonly maximumRetryAttempts: number;
    readonly bisectBatchOnFunctionError: boolean;
    readonly parallelizationFactor: number;
  };
  /** Absent: the projector only writes the views table. */
  readonly stores?: readonly ReadModelStore[];
  /** With the `queue` store: the queues of the registry (`projections/queues.ts`) it sends to, by key. */
  readonly queues?: readonly string[];
}

/** A Lambda filter pattern over a stream record (EventBridge pattern syntax). */
export type FilterPattern = { readonly [key: string]: FilterPattern | readonly string[] };

/** The two registries the whole backend is generated from. */
export interface Registries<P extends ProjectionSpec = ProjectionSpec> {
  readonly routes: readonly RouteSpec[];
  readonly projections: readonly P[];
  /** The registry's own definition of which records reach a projection. */
  readonly filterCriteria: (projection: P) => FilterPattern;
}
