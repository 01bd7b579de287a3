import { problem } from "../problem.js";
import type { Failure } from "../result.js";

/**
 * A query whose read model is not built yet: the route, its input codecs and its response
 * codec are real (and in the OpenAPI document), only the answer waits for the projection.
 */
export const notImplementedYet = async (): Promise<Failure> =>
  problem(501, "Not implemented yet: this query is answered from a read model that is still being built.");
