import type { ProjectionSpec, RouteSpec } from "./inputs.js";

/** SST component names are PascalCase letters and digits: `cart-view` becomes `CartView`. */
export const componentName = (name: string): string =>
  name
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part !== "")
    .map((part) => part[0]?.toUpperCase() + part.slice(1))
    .join("");

/** Each route's Lambda is the export named after its operationId in the one HTTP entry module. */
/** Every route's function runs the one entry; `OPERATION_ID` in its environment says which route it is. */
export const routeHandler = (_route: Pick<RouteSpec, "operationId">): string => "handlers/http/api.handler";
export const routeEnvironment = (route: Pick<RouteSpec, "operationId">): Record<string, string> => ({ OPERATION_ID: route.operationId });

/** Each projector has an entry file of its own, named after the projection, exporting `handler`. */
/** Every stream subscriber runs the one entry; `PROJECTION_NAME` in its environment says which projection it is. */
export const projectorHandler = (_projection: Pick<ProjectionSpec, "name">): string => "handlers/stream/subscriber.handler";
export const projectorEnvironment = (projection: Pick<ProjectionSpec, "name">): Record<string, string> => ({ PROJECTION_NAME: projection.name });

/** `GET /books/{bookId}`: the route key API Gateway and SST use. */
export const routeKey = (route: Pick<RouteSpec, "method" | "path">): string => `${route.method} ${route.path}`;
