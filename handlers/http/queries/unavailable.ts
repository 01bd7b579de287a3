import { type Either, left, right } from "fp-ts/lib/Either.js";
import { problem } from "../problem.js";
import type { Failure } from "../result.js";

/** How soon a client may try again: a restarting Redis is back within seconds, OpenSearch within tens. */
export const RETRY_AFTER_SECONDS = 5;

/** The header as the OpenAPI document describes it, on the 503 of the queries that can answer one. */
export const retryAfterHeader = {
  "Retry-After": {
    description: "Seconds to wait before trying again.",
    schema: { type: "integer", format: "int32", minimum: 1, maximum: 3600 },
  },
} as const;

/** A read model's server could not answer: the query's own failure, not a fault of the API. */
export const readModelUnavailable = (readModel: string): Failure => ({
  ...problem(503, `The ${readModel} read model is unavailable for now; try again in ${RETRY_AFTER_SECONDS} seconds.`),
  headers: { "retry-after": String(RETRY_AFTER_SECONDS) },
});

/**
 * Runs a read against a read model's server. Its outages (as `isOutage` tells them) become the
 * expected failure they are, a 503; any other error is left to be the fault it is.
 */
export const fromReadModel = async <A>(readModel: string, isOutage: (e: unknown) => boolean, read: () => Promise<A>): Promise<Either<Failure, A>> => {
  try {
    return right(await read());
  } catch (e) {
    // Not configured at all (`--no-search`): trying again in a few seconds would not help.
    if (e instanceof Error && e.name === "SearchNotRunning") return left(problem(503, e.message));
    if (isOutage(e)) return left(readModelUnavailable(readModel));
    throw e;
  }
};
