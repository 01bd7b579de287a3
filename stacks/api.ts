import { appendEvents, readTable } from "./access.js";
import { cacheEnvironment, searchEnvironment, tableEnvironment } from "./environment.js";
import type { RouteSpec } from "./inputs.js";
import { type Access, lambda, mergeAccess } from "./lambda.js";
import { routeEnvironment, routeHandler, routeKey } from "./naming.js";
import type { ReadModelServers } from "./read-model-servers.js";
import type { Tables } from "./tables.js";
import { type Throttle, throttleClassOf, throttlesFor } from "../handlers/http/throttling.js";
import { groupsFor } from "../handlers/http/route.js";

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

const settingsOf = (t: Throttle) => ({ throttlingRateLimit: t.rateLimit, throttlingBurstLimit: t.burstLimit });

/**
 * The route table's throttling as API Gateway applies it: each route its own bucket, checkout
 * and writes lower than reads. Anything not in the table (there is nothing) falls to the reads'.
 */
const routeSettings = (routes: readonly RouteSpec[]) => {
  const limits = throttlesFor($app.stage);
  return {
    defaultRouteSettings: settingsOf(limits.read),
    routeSettings: routes.map((r) => ({ routeKey: routeKey(r), ...settingsOf(limits[throttleClassOf(r)]) })),
  };
};

/**
 * The browser origins allowed to call the API, from `CORS_ALLOW_ORIGINS` (comma-separated).
 * Outside prod any origin may, for a developer's own front end; prod must name its origins,
 * and never `*`: a token-bearing API open to every page invites cross-site use of stolen tokens.
 */
export const corsOrigins = (stage: string, configured: string | undefined): string[] => {
  const origins = (configured ?? "").split(",").map((o) => o.trim()).filter((o) => o !== "");
  if (stage !== "prod") return origins.length > 0 ? origins : ["*"];
  if (origins.length === 0) throw new Error("prod needs CORS_ALLOW_ORIGINS: the browser origins allowed to call the API (comma-separated)");
  if (origins.includes("*")) throw new Error("CORS_ALLOW_ORIGINS must name prod's origins, never *");
  const bad = origins.find((o) => !/^https:\/\/[a-z0-9.-]+(:\d{1,5})?$/.test(o));
  if (bad !== undefined) throw new Error(`CORS_ALLOW_ORIGINS: ${bad} is not an https origin (https://host[:port])`);
  return origins;
};

/**
 * One API Gateway HTTP API with one function per route of the route table. Customer and admin
 * routes pass the Cognito JWT authorizer; the handler checks the groups a route needs (admin,
 * warehouse, oms) from the `cognito:groups` claim. Public routes have no authorizer.
 */
export const api = (routes: readonly RouteSpec[], tables: Tables, servers: ReadModelServers): Api => {
  const users = new sst.aws.CognitoUserPool("Users", { usernames: ["email"] });
  const web = users.addClient("Web");
  // Every group a route needs exists in the pool, so adding staff is adding a user to a group.
  for (const group of [...new Set(routes.flatMap((r) => groupsFor(r.auth)))].sort()) {
    new aws.cognito.UserGroup(`UsersGroup${group[0]!.toUpperCase()}${group.slice(1)}`, { userPoolId: users.id, name: group, description: `Callers of the routes for the ${group} group` });
  }
  // API Gateway refuses settings for a route key it does not have yet, so the stage waits for the routes.
  let routesAdded: (added: $util.Resource[]) => void = () => undefined;
  const added = new Promise<$util.Resource[]>((resolve) => (routesAdded = resolve));
  const api = new sst.aws.ApiGatewayV2("Api", {
    cors: {
      allowOrigins: corsOrigins($app.stage, process.env.CORS_ALLOW_ORIGINS),
      allowHeaders: ["authorization", "content-type", "idempotency-key", "if-match", "if-none-match", "x-correlation-id"],
      allowMethods: [...new Set(routes.map((r) => r.method))],
      exposeHeaders: ["x-correlation-id", "location", "etag", "x-read-model-stale"],
      maxAge: "1 day",
    },
    accessLog: { retention: $app.stage === "prod" ? "3 months" : "1 week" },
    transform: {
      stage: (args, opts) => {
        Object.assign(args, routeSettings(routes));
        opts.dependsOn = $util.output(added);
      },
    },
  });
  const cognito = api.addAuthorizer({
    name: "cognito",
    jwt: { issuer: $interpolate`https://cognito-idp.${aws.getRegionOutput().region}.amazonaws.com/${users.id}`, audiences: [web.id] },
  });
  const declared = routes.map((route) => {
    const fn = lambda(routeHandler(route), routeAccess(route, tables, servers), servers, { description: routeKey(route), environment: routeEnvironment(route) });
    return api.route(routeKey(route), fn, route.auth === "public" ? {} : { auth: { jwt: { authorizer: cognito.id } } });
  });
  routesAdded(declared);
  return { api, users, web };
};
