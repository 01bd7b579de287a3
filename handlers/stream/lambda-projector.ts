import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from "aws-lambda";
import type { ViewPorts } from "../../projections/ports.js";
import type { Projection } from "../../projections/projection.js";
import { createProjector } from "./projector.js";

/**
 * A projection's Lambda handler, its ports made on the first invocation (once per container):
 * importing the entry file (SST, tests) needs no configuration and opens no connection.
 */
export const lambdaProjector = <P extends ViewPorts>(projection: Projection<P>, ports: () => P) => {
  let ready: Promise<(event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse>> | undefined;
  const start = async () => {
    const made = ports();
    // A read model's storage (the search index and its mappings) is made ready once per container.
    await projection.prepare?.(made);
    return createProjector(projection, made);
  };
  return async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    ready ??= start().catch((e: unknown) => {
      ready = undefined;
      throw e;
    });
    return (await ready)(event);
  };
};
