import type { Logger } from "@aws-lambda-powertools/logger";
import { lambdaFor } from "../handlers/http/lambda.js";
import { buildRoutes } from "../handlers/http/routes.js";
import { createRuntime, type Runtime, type RuntimeConfig } from "../handlers/http/runtime.js";
import type { AnyRoute } from "../handlers/http/route.js";
import type { StageThrottles } from "../handlers/http/throttling.js";
import { createTables } from "../store/index.js";
import { type LocalAuthConfig, localAuthConfig } from "./auth-config.js";
import { type ApiServer, startApiServer } from "./http-server.js";
import { loadOrCreateKeys, type SigningKeys } from "./jwks.js";
import { makeJwtAuthorizer } from "./jwt-authorizer.js";

export interface LocalApiOptions extends RuntimeConfig {
  readonly dynamoDbEndpoint: string;
  /** Default 3000; 0 picks a free port. */
  readonly port?: number;
  readonly auth?: LocalAuthConfig;
  /** API Gateway's per-route throttling, emulated; absent, nothing is throttled. */
  readonly throttle?: StageThrottles;
  /** The request log; the handlers' own by default. */
  readonly logger?: Logger;
}

export interface LocalApi {
  readonly server: ApiServer;
  readonly runtime: Runtime;
  readonly routes: readonly AnyRoute[];
  readonly keys: SigningKeys;
  readonly auth: LocalAuthConfig;
  /** Closes the HTTP server (requests in flight finish), waits for background work, drops the client. */
  close(): Promise<void>;
}

/**
 * The API as `npm start` serves it: the real route table over one runtime, behind the API Gateway
 * emulation and its JWT authorizer. Creates the tables when they are missing.
 */
export const startLocalApi = async (options: LocalApiOptions): Promise<LocalApi> => {
  const runtime = createRuntime(options);
  await createTables(runtime.client, options.tables);
  const routes = buildRoutes(() => runtime);
  const auth = options.auth ?? localAuthConfig();
  const keys = await loadOrCreateKeys(auth.keyDir);
  const handlers = Object.fromEntries(routes.map((r) => [r.operationId, lambdaFor(r, options.logger ? { logger: options.logger } : {})]));
  const server = await startApiServer({ routes, handlers, keys, authorize: makeJwtAuthorizer(keys, auth), port: options.port ?? 3000,
    ...(options.throttle === undefined ? {} : { throttle: options.throttle }),
  });
  return {
    server,
    runtime,
    routes,
    keys,
    auth,
    close: async () => {
      await server.close();
      await runtime.commands.settle();
      await runtime.readModels.close();
      runtime.client.destroy();
    },
  };
};
