import { parseArgs } from "node:util";
import { routes } from "../handlers/http/routes.js";
import { handlers } from "../handlers/http/api.js";
import { localAuthConfig } from "./auth-config.js";
import { startApiServer } from "./http-server.js";
import { loadOrCreateKeys } from "./jwks.js";
import { makeJwtAuthorizer } from "./jwt-authorizer.js";

/** Serves the route table on a port, with the local user pool's keys; stops on Ctrl-C. */
const { values } = parseArgs({ options: { port: { type: "string", default: process.env.PORT ?? "3000" } } });
const config = localAuthConfig();
const keys = await loadOrCreateKeys(config.keyDir);
const server = await startApiServer({ routes, handlers, keys, authorize: makeJwtAuthorizer(keys, config), port: Number(values.port) });
console.log(`API on ${server.url} (OpenAPI at ${server.url}/openapi.json, JWKS at ${server.url}/.well-known/jwks.json)`);

const stop = () => {
  server.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
