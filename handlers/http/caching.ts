import { createHash } from "node:crypto";
import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import type { ResponseHeader } from "./route.js";

/**
 * How a public GET may be cached, by browsers and by the CDN in front of the API. Everything
 * else (a caller's own data, a problem, an answer flagged stale) is `no-store`.
 */
export interface CachePolicy {
  /**
   * The representation's validator, when the route can tell it from the body better than a
   * digest can (a book page: its version, then its stock, so `If-Match` can take it back).
   * It must change whenever the body does.
   */
  readonly validator?: (body: never) => string;
  /** How long a copy is fresh. */
  readonly maxAgeSeconds: number;
  /** How long after that a cache may still answer with it while it fetches a new one. */
  readonly staleWhileRevalidateSeconds: number;
}

/** The catalogue (books, search, rankings): a few seconds' lag is worth a CDN hit on a busy day. */
export const catalogueCache: CachePolicy = { maxAgeSeconds: 5, staleWhileRevalidateSeconds: 30 };
/** Stock moves with every checkout: fresh for a second only. */
export const stockCache: CachePolicy = { maxAgeSeconds: 1, staleWhileRevalidateSeconds: 5 };

/**
 * `public` for an anonymous request; `private` for one that carried credentials, so that no
 * shared cache (the CDN, a proxy) keeps an answer made for a signed-in caller, even a public one.
 */
export const cacheControlOf = (policy: CachePolicy, shared = true): string =>
  `${shared ? "public" : "private"}, max-age=${policy.maxAgeSeconds}, stale-while-revalidate=${policy.staleWhileRevalidateSeconds}`;

/**
 * A strong validator of a representation: a digest of the body as sent. The body is what the
 * read model's version (and, for a book, its stock) make it, so the tag changes exactly when
 * the answer does, whichever read model it came from.
 */
export const etagOf = (body: string): string => `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`;

/** What an `If-None-Match` may hold: entity tags are visible ASCII (RFC 9110 §8.8.3). */
export const ENTITY_TAGS = /^[\x20-\x7e]{0,1024}$/;

/** `If-None-Match` as RFC 9110 reads it: `*`, or a list of tags, weak ones compared weakly. */
export const matchesNoneOf = (ifNoneMatch: string | undefined, etag: string): boolean => {
  if (ifNoneMatch === undefined) return false;
  const tags = ifNoneMatch.split(",").map((t) => t.trim());
  return tags.includes("*") || tags.some((t) => t.replace(/^W\//, "") === etag);
};

/** A public success as cacheable, or 304 when the client already holds it. */
export const cached = (
  policy: CachePolicy,
  response: APIGatewayProxyStructuredResultV2 & { body: string },
  request: { readonly ifNoneMatch: string | undefined; readonly shared: boolean; readonly validator?: string },
): APIGatewayProxyStructuredResultV2 => {
  const etag = request.validator === undefined ? etagOf(response.body) : `"${request.validator}"`;
  const headers: Record<string, string | number | boolean> = { ...response.headers, "cache-control": cacheControlOf(policy, request.shared), etag };
  if (!matchesNoneOf(request.ifNoneMatch, etag)) return { ...response, headers };
  // A 304 has no body, so nothing to describe the type of.
  delete headers["content-type"];
  return { statusCode: 304, headers };
};

/** The headers a cacheable route documents. */
export const cacheResponseHeaders = (policy: CachePolicy): Readonly<Record<string, ResponseHeader>> => ({
  "cache-control": {
    description:
      "How long the answer may be cached: `public` when the request carried no credentials, `private` when it did; `no-store` for an answer flagged stale (`X-Read-Model-Stale`), which must not be kept.",
    schema: { type: "string", enum: [cacheControlOf(policy), cacheControlOf(policy, false), "no-store"] },
  },
  etag: { description: "The representation's validator: send it back in `If-None-Match` for a 304.", schema: { type: "string", maxLength: 64, pattern: '^"[A-Za-z0-9_.-]{1,62}"$' } },
});
