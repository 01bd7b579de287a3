import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { cached } from "./caching.js";
import { PROBLEM_CONTENT_TYPE, problem } from "./problem.js";
import { STALE_HEADER } from "./queries/read-your-writes.js";
import type { AnyRoute } from "./route.js";
import { type HttpResult, isFailure } from "./result.js";

const base = (correlationId: string) => ({ "x-correlation-id": correlationId, "cache-control": "no-store" });

/** What of the request decides how its answer may be cached. */
export interface CacheContext {
  /** The request's `If-None-Match`. */
  readonly ifNoneMatch?: string | undefined;
  /** The request carried credentials: its answer is for the caller's cache alone, never a shared one. */
  readonly authorised?: boolean;
}

/**
 * Writes a handler's result for API Gateway: problems as problem+json, bodies through the response
 * codec. A cacheable route's success gets its caching headers (or is a 304 for the validator the
 * client sent), unless the answer is flagged stale: that one nobody should keep.
 */
export const respond = (
  route: AnyRoute | undefined,
  result: HttpResult<unknown>,
  correlationId: string,
  context: CacheContext = {},
): APIGatewayProxyStructuredResultV2 => {
  if (isFailure(result)) {
    return {
      statusCode: result.status,
      headers: { ...base(correlationId), ...result.headers, "content-type": PROBLEM_CONTENT_TYPE },
      body: JSON.stringify({ ...result.problem, correlationId }),
    };
  }
  if (result.status === 204) return { statusCode: 204, headers: { ...base(correlationId), ...result.headers } };
  const encoded = route?.response.codec ? route.response.codec.encode(result.body) : result.body;
  const response = {
    statusCode: result.status,
    headers: { ...base(correlationId), ...result.headers, "content-type": "application/json" },
    body: JSON.stringify(encoded),
  };
  const policy = route?.response.cache;
  if (policy === undefined || result.headers?.[STALE_HEADER] !== undefined) return response;
  const validator = (policy.validator as ((body: unknown) => string) | undefined)?.(result.body);
  return cached(policy, response, { ifNoneMatch: context.ifNoneMatch, shared: context.authorised !== true, ...(validator === undefined ? {} : { validator }) });
};

/** A fault, not a refusal: the client gets the correlation id to quote, never a stack trace. */
export const internalError = (correlationId: string): APIGatewayProxyStructuredResultV2 =>
  respond(undefined, problem(500, `Something went wrong on our side. Quote ${correlationId} when you report it.`), correlationId);
