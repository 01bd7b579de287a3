import { appendEvents, readTable } from "./access.js";
import { cacheEnvironment, searchEnvironment, tableEnvironment } from "./environment.js";
import type { RouteSpec } from "./inputs.js";
import { type Access, lambda, mergeAccess } from "./lambda.js";
import { routeHandler, routeKey } from "./naming.js";
import type { ReadModelServers } from "./read-model-servers.js";
import type { Tables } from "./tables.js";

export interface Api {
  readonly api: sst.aws.ApiGatewayV2;
  readonly users: sst.aws.CognitoUserPool;
  readonly web: ReturnType<sst.aws.CognitoUserPool["addClient"]>;
}

/**
 * Commands append events and may read views; queries only read, from the tables or from the
 * read-model servers (search, bestsellers), which is why they alone join the VPC.
 */
const routeAccess = (route: RouteSpec, tables: Tables, servers: ReadModelServers): Access =>
  route.method === "GET"
    ? mergeAccess(
        { grants: [readTable(tables.events), readTable(tables.views)], environment: tableEnvironment(tables) },
        { environment: { ...searchEnvironment(servers), ...cacheEnvironment(servers) }, links: [servers.search, servers.cache], inVpc: true },
      )
    : mergeAccess({ grants: [appendEvents(tables.events), readTable(tables.views)], environment: tableEnvironment(tables) });

/** Requests per second across the API; a guard against runaway clients and bills, not a quota. */
const throttling = () =>
  $app.stage === "prod" ? { throttlingRateLimit: 500, throttlingBurstLimit: 1000 } : { throttlingRateLimit: 50, throttlingBurstLimit: 100 };

/**
 * One API Gateway HTTP API with one function per route of the route table. Customer and admin
 * routes pass the Cognito JWT authorizer; the handler checks the `admin` group from the
 * `cognito:groups` claim. Public routes have no authorizer.
 */
export const api = (routes: readonly RouteSpec[], tables: Tables, servers: ReadModelServers): Api => {
  const users = new sst.aws.CognitoUserPool("Users", { usernames: ["email"] });
  const web = users.addClient("Web");
  const origins = process.env.CORS_ALLOW_ORIGINS?.split(",").map((o) => o.trim());
  const api = new sst.aws.ApiGatewayV2("Api", {
    cors: {
      allowOrigins: origins ?? ["*"],
      allowHeaders: ["authorization", "content-type", "idempotency-key", "x-correlation-id"],
      allowMethods: [...new Set(routes.map((r) => r.method))],
      exposeHeaders: ["x-correlation-id", "location"],
      maxAge: "1 day",
    },
    accessLog: { retention: $app.stage === "prod" ? "3 months" : "1 week" },
    transform: {
      stage: (args) => {
        args.defaultRouteSettings = throttling();
      },
    },
  });
  const cognito = api.addAuthorizer({
    name: "cognito",
    jwt: { issuer: $interpolate`https://cognito-idp.${aws.getRegionOutput().region}.amazonaws.com/${users.id}`, audiences: [web.id] },
  });
  for (const route of routes) {
    const fn = lambda(routeHandler(route), routeAccess(route, tables, servers), servers, { description: routeKey(route) });
    api.route(routeKey(route), fn, route.auth === "public" ? {} : { auth: { jwt: { authorizer: cognito.id } } });
  }
  return { api, users, web };
};
