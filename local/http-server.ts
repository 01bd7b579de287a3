import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { isLeft } from "fp-ts/lib/Either.js";
import { type HttpHandler, lambdaFor } from "../handlers/http/lambda.js";
import { Logger } from "@aws-lambda-powertools/logger";
import { problem } from "../handlers/http/problem.js";
import { respond } from "../handlers/http/respond.js";
import type { AnyRoute } from "../handlers/http/route.js";
import type { AuthorizerContext, JwtAuthorizer } from "./jwt-authorizer.js";
import { lambdaContext, newRequestId, toApiGatewayEvent } from "./api-gateway-event.js";
import type { SigningKeys } from "./jwks.js";
import { routeMatcher } from "./route-matcher.js";
import { routeThrottle } from "./throttle.js";
import { THROTTLED_BODY, type StageThrottles } from "../handlers/http/throttling.js";

/** The gateway's own lines (refusals before any Lambda runs), like API Gateway's access log. */
const gatewayLogger = new Logger({ serviceName: "bookstore-api-gateway" });

/** API Gateway HTTP APIs refuse payloads over 10 MB before any Lambda runs. */
const GATEWAY_MAX_BYTES = 10 * 1024 * 1024;

export interface ApiServerOptions {
  readonly routes: readonly AnyRoute[];
  readonly authorize: JwtAuthorizer;
  readonly keys: SigningKeys;
  /** Default 3000; 0 picks a free port. */
  readonly port?: number;
  readonly host?: string;
  /** API Gateway's per-route throttling, emulated; absent, nothing is throttled. */
  readonly throttle?: StageThrottles;
  /** The Lambda handlers by operationId; by default each route's `lambdaFor` (what `handlers/http/api.ts` exports). */
  readonly handlers?: Readonly<Record<string, HttpHandler>>;
}

export interface ApiServer {
  readonly url: string;
  readonly port: number;
  /** Stops accepting connections, waits up to `graceMs` for requests in flight to answer, then closes. */
  close(graceMs?: number): Promise<void>;
}

class TooLarge extends Error {}

const readBody = (req: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > GATEWAY_MAX_BYTES) {
        reject(new TooLarge());
        req.pause();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });

const write = (res: ServerResponse, result: APIGatewayProxyStructuredResultV2, requestId: string): void => {
  const headers: Record<string, string | number | string[]> = { ...result.headers, "apigw-requestid": requestId };
  if (result.cookies !== undefined && result.cookies.length > 0) headers["set-cookie"] = result.cookies;
  const body = result.body === undefined ? undefined : Buffer.from(result.body, result.isBase64Encoded ? "base64" : "utf8");
  if (body !== undefined) headers["content-length"] = body.length;
  res.writeHead(result.statusCode ?? 200, headers);
  res.end(body);
};

/**
 * The API Gateway emulation: matches the route table, runs the JWT authorizer, builds the
 * payload 2.0 event and calls the same Lambda handler that runs in AWS.
 */
export const startApiServer = async (options: ApiServerOptions): Promise<ApiServer> => {
  const match = routeMatcher(options.routes);
  const handlers = options.handlers ?? Object.fromEntries(options.routes.map((r) => [r.operationId, lambdaFor(r)]));
  const jwks = JSON.stringify(options.keys.jwks);
  const throttle = options.throttle === undefined ? undefined : routeThrottle(options.throttle);

  const gatewayRefusal = (res: ServerResponse, req: IncomingMessage, requestId: string, status: number, detail: string, headers: Record<string, string> = {}) => {
    gatewayLogger.info("request", { correlationId: requestId, requestId, method: req.method, path: req.url, status, refusedBy: "api-gateway" });
    write(res, respond(undefined, { ...problem(status, detail), headers }, requestId), requestId);
  };

  const serve = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const requestId = newRequestId();
    const started = Date.now();
    const method = req.method ?? "GET";
    const url = req.url ?? "/";
    const rawPath = url.split("?")[0] ?? "/";

    if (method === "GET" && rawPath === "/.well-known/jwks.json") {
      res.writeHead(200, { "content-type": "application/json" }).end(jwks);
      return;
    }
    const found = match(method, rawPath);
    if (found.kind === "none") return gatewayRefusal(res, req, requestId, 404, `No route ${method} ${rawPath}.`);
    if (found.kind === "wrong-method") {
      return gatewayRefusal(res, req, requestId, 405, `${rawPath} does not take ${method}; it takes ${found.allowed.join(", ")}.`, {
        allow: found.allowed.join(", "),
      });
    }

    // API Gateway throttles before it reads the body or runs the authorizer, with its own body.
    const verdict = throttle?.(found.route);
    if (verdict !== undefined && !verdict.allowed) {
      gatewayLogger.info("request", { correlationId: requestId, requestId, method, path: url, status: 429, refusedBy: "api-gateway" });
      const headers = { "content-type": "application/json", "retry-after": String(verdict.retryAfterSeconds) };
      return write(res, { statusCode: 429, headers, body: JSON.stringify(THROTTLED_BODY) }, requestId);
    }

    let body: Buffer;
    try {
      body = await readBody(req);
    } catch (e) {
      if (!(e instanceof TooLarge)) throw e;
      res.setHeader("connection", "close");
      return gatewayRefusal(res, req, requestId, 413, `The body is over API Gateway's ${GATEWAY_MAX_BYTES} bytes.`);
    }

    // As in AWS, a route without an authorizer (a public one) never sees a token's claims, valid or not.
    let authorizer: AuthorizerContext | undefined;
    if (found.route.auth !== "public") {
      const verdict = await options.authorize(req.headers.authorization);
      if (isLeft(verdict)) {
        return gatewayRefusal(res, req, requestId, 401, `Unauthorized: ${verdict.left}.`, {
          "www-authenticate": `Bearer error="invalid_token"`,
        });
      }
      authorizer = verdict.right;
    }

    const handler = handlers[found.route.operationId];
    if (handler === undefined) throw new Error(`no handler for ${found.route.operationId}`);
    const event = toApiGatewayEvent(
      { method, url, headers: req.headers, body, sourceIp: req.socket.remoteAddress ?? "127.0.0.1" },
      found.route,
      found.pathParameters,
      authorizer,
      requestId,
      new Date(started),
    );
    write(res, await handler(event, lambdaContext(found.route, started)), requestId);
  };

  let closing = false;
  let inFlight = 0;
  const drained: (() => void)[] = [];
  const server = createServer((req, res) => {
    inFlight++;
    // While shutting down, a keep-alive client is told to reconnect elsewhere after this answer.
    if (closing) res.setHeader("connection", "close");
    res.once("close", () => {
      inFlight--;
      if (closing) server.closeIdleConnections();
      if (inFlight === 0) drained.splice(0).forEach((done) => done());
    });
    serve(req, res).catch((e: unknown) => {
      // What API Gateway answers when the integration itself fails.
      gatewayLogger.error("integration failure", { error: e as Error });
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" }).end(`{"message":"Internal Server Error"}`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 3000, options.host ?? "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? "127.0.0.1"}:${port}`,
    port,
    close: async (graceMs = 10_000) => {
      // Stop accepting, let requests that are running answer, then drop whatever is left.
      closing = true;
      const closed = new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
      server.closeIdleConnections();
      if (inFlight > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, graceMs);
          drained.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      server.closeAllConnections();
      await closed;
    },
  };
};
