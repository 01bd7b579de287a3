import { lambdaFor } from "./lambda.js";
import { routes } from "./routes.js";

/** One Lambda handler per route, keyed by operationId; SST points each function at its export. */
export const handlers = Object.fromEntries(routes.map((r) => [r.operationId, lambdaFor(r)]));

const handlerOf = (operationId: string) => {
  const handler = handlers[operationId];
  if (handler === undefined) throw new Error(`no route ${operationId} in the route table`);
  return handler;
};

export const getOpenApi = handlerOf("getOpenApi");
