import type { Context } from "aws-lambda";
import { type HttpHandler, lambdaFor } from "./lambda.js";
import { routes } from "./routes.js";

/** One Lambda handler per route, keyed by operationId (the local server serves these). */
export const handlers: Readonly<Record<string, HttpHandler>> = Object.fromEntries(routes.map((r) => [r.operationId, lambdaFor(r)]));

/**
 * The Lambda entry of every route: each route still runs a function of its own, and SST sets
 * `OPERATION_ID` on it, so a new route is its file and a line in the route table, and no export.
 */
export const handler: HttpHandler = (event, context: Context) => {
  const operationId = process.env.OPERATION_ID ?? "";
  const route = handlers[operationId];
  if (route === undefined) throw new Error(`OPERATION_ID names no route of the route table: "${operationId}"`);
  return route(event, context);
};
