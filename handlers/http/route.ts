import type * as t from "io-ts";
import type { CachePolicy } from "./caching.js";
import type { Subject } from "./claims.js";
import type { HttpResult } from "./result.js";

export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/**
 * public: no token needed; customer: any signed-in caller; admin: the `admin` group; warehouse:
 * the `admin` or `warehouse` group (fulfilment staff); oms: the `oms` group (the order management
 * system's machine client).
 */
export type Auth = "public" | "customer" | "admin" | "warehouse" | "oms";

/** The groups a route needs one of (none: any signed-in caller, or no token at all). */
export const groupsFor = (auth: Auth): readonly string[] =>
  auth === "admin" ? ["admin"] : auth === "warehouse" ? ["admin", "warehouse"] : auth === "oms" ? ["oms"] : [];

/** The caller as API Gateway's JWT authorizer vouches for them. */
export interface Claims {
  /** Checked against the id rule before any handler runs. */
  readonly sub: Subject;
  readonly groups: readonly string[];
  /** Every claim as API Gateway passes it on (strings). */
  readonly raw: Readonly<Record<string, string>>;
}

export interface RouteInput<P, Q, B> {
  readonly path: P;
  readonly query: Q;
  readonly body: B;
  /** Present on every route but `public` ones called without a token. */
  readonly claims: Claims | undefined;
  readonly idempotencyKey: string | undefined;
  /** The version an `If-Match` header names, on a conditional route. */
  readonly ifMatchVersion?: number;
  readonly correlationId: string;
}

/** The caller of a route that needs a token; the route table guarantees there is one. */
export const callerOf = (input: RouteInput<unknown, unknown, unknown>): Claims => {
  if (input.claims === undefined) throw new Error("a route that needs a token was called without claims");
  return input.claims;
};

export interface ResponseHeader {
  readonly description: string;
  readonly schema: Readonly<Record<string, unknown>>;
}

/** A codec from the wire (`unknown`) to a trusted type. */
export type Codec<A> = t.Type<A, unknown, unknown>;

export interface Route<P, Q, B, R> {
  /** Also the export name of the route's Lambda handler and the OpenAPI operationId. */
  readonly operationId: string;
  readonly method: Method;
  /** API Gateway style: `/books/{bookId}`. */
  readonly path: string;
  readonly auth: Auth;
  readonly summary: string;
  /** The operation's longer description in the OpenAPI document (CommonMark). */
  readonly description?: string;
  readonly tags?: readonly string[];
  readonly request: {
    readonly path: Codec<P>;
    readonly query: Codec<Q>;
    /** Absent: the route takes no body. A codec that accepts `undefined` makes the body optional. */
    readonly body?: Codec<B>;
  };
  readonly response: {
    readonly status: 200 | 201 | 202 | 204;
    readonly codec?: t.Type<R, unknown, unknown>;
    /** Headers the success response may carry, by name, for the OpenAPI document. */
    readonly headers?: Readonly<Record<string, ResponseHeader>>;
    /**
     * A public GET's caching: its success carries `Cache-Control` and an `ETag`, and a matching
     * `If-None-Match` answers 304. Absent: `no-store`.
     */
    readonly cache?: CachePolicy;
  };
  /**
   * The route takes `If-Match: "<version>"`: it runs only while the resource is at that version
   * (412 otherwise), and its answer carries the new version as its `ETag`.
   */
  readonly conditional?: true;
  /** Problem statuses the route answers besides the ones every route may (400, 401, 403, 500...). */
  readonly problems?: readonly number[];
  // A method, not a property: the table holds routes of many input types (bivariant on purpose).
  handler(input: RouteInput<P, Q, B>): Promise<HttpResult<R>>;
}

// io-ts itself erases codec types this way (`t.Mixed`); the table is heterogeneous.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRoute = Route<any, any, any, any>;

/** Keeps each route's types checked while it is written, then lets it join the table. */
export const defineRoute = <P, Q, B, R>(route: Route<P, Q, B, R>): AnyRoute => route;

/** The `{name}` placeholders of a path, in order. */
export const pathParameters = (path: string): string[] => [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] ?? "");
