import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from "aws-lambda";
import type { ViewPorts } from "../../projections/ports.js";
import type { Projection } from "../../projections/projection.js";
import { createProjector } from "./projector.js";

/**
 * A projection's Lambda handler, its ports made on the first invocation (once per container):
 * importing the entry file (SST, tests) needs no configuration and opens no connection.
 */
export const lambdaProjector = <P extends ViewPorts>(projection: Projection<P>, ports: () => P) => {
  let handle: ((event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse>) | undefined;
  return (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    handle ??= createProjector(projection, ports());
    return handle(event);
  };
};
