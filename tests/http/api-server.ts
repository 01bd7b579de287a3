import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Logger } from "@aws-lambda-powertools/logger";
import { lambdaFor } from "../../handlers/http/lambda.js";
import type { AnyRoute } from "../../handlers/http/route.js";
import type { StageThrottles } from "../../handlers/http/throttling.js";
import { type LocalAuthConfig, localAuthConfig } from "../../local/auth-config.js";
import { startApiServer } from "../../local/http-server.js";
import { loadOrCreateKeys, type SigningKeys } from "../../local/jwks.js";
import { makeJwtAuthorizer } from "../../local/jwt-authorizer.js";
import { mintToken, type TokenRequest } from "../../local/tokens.js";

export interface TestApi {
  readonly url: string;
  readonly keys: SigningKeys;
  readonly config: LocalAuthConfig;
  token(request: TokenRequest): Promise<string>;
  close(): Promise<void>;
}

/** The local API Gateway emulation on a free port, with a fresh user pool key of its own. */
export const startTestApi = async (
  routes: readonly AnyRoute[],
  options: { readonly logger?: Logger; readonly throttle?: StageThrottles } = {},
): Promise<TestApi> => {
  const dir = await mkdtemp(path.join(tmpdir(), "bookstore-http-"));
  const config = { ...localAuthConfig({}), keyDir: path.join(dir, "auth") };
  const keys = await loadOrCreateKeys(config.keyDir);
  const handlers = options.logger ? Object.fromEntries(routes.map((r) => [r.operationId, lambdaFor(r, { logger: options.logger })])) : undefined;
  const server = await startApiServer({ routes, keys, authorize: makeJwtAuthorizer(keys, config), port: 0,
    ...(handlers ? { handlers } : {}),
    ...(options.throttle ? { throttle: options.throttle } : {}),
  });
  return {
    url: server.url,
    keys,
    config,
    token: (request) => mintToken(keys, config, request),
    close: async () => {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
};

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
export const json = (body: unknown, headers: Record<string, string> = {}) => ({
  method: "POST",
  headers: { "content-type": "application/json", ...headers },
  body: JSON.stringify(body),
});

/** A JSON response body in a test, read as loosely as the assertions that check it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;
