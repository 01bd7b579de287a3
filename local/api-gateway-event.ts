import { randomBytes, randomUUID } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import type { APIGatewayProxyEventV2WithJWTAuthorizer, Context } from "aws-lambda";
import type { AnyRoute } from "../handlers/http/route.js";
import type { AuthorizerContext } from "./jwt-authorizer.js";

export interface IncomingRequest {
  readonly method: string;
  /** Path and query exactly as sent. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly sourceIp: string;
}

/** HTTP APIs pass these bodies as text and everything else base64-encoded. */
const textual = /^(text\/|application\/([a-z0-9.-]+\+)?(json|xml|javascript|x-www-form-urlencoded))/i;

const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const pad = (n: number): string => String(n).padStart(2, "0");
/** `21/Nov/2025:23:35:00 +0000`, API Gateway's `requestContext.time`. */
const clf = (d: Date): string =>
  `${pad(d.getUTCDate())}/${months[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;

const headersOf = (headers: IncomingHttpHeaders): Record<string, string> =>
  Object.fromEntries(
    Object.entries(headers)
      .filter(([k, v]) => v !== undefined && k !== "cookie")
      .map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(",") : String(v)]),
  );

const queryOf = (search: URLSearchParams): Record<string, string> | undefined => {
  const out: Record<string, string> = {};
  for (const [k, v] of search) out[k] = out[k] === undefined ? v : `${out[k]},${v}`;
  return Object.keys(out).length > 0 ? out : undefined;
};

/** An API Gateway request id: 16 characters of base64, like `JKJaXmPLvHcESHA=`. */
export const newRequestId = (): string => randomBytes(10).toString("base64");

/** The payload format 2.0 event API Gateway would give the route's Lambda for this request. */
export const toApiGatewayEvent = (
  request: IncomingRequest,
  route: AnyRoute,
  pathParameters: Record<string, string>,
  authorizer: AuthorizerContext | undefined,
  requestId: string,
  now: Date,
): APIGatewayProxyEventV2WithJWTAuthorizer => {
  const queryAt = request.url.indexOf("?");
  const rawPath = queryAt < 0 ? request.url : request.url.slice(0, queryAt);
  const rawQueryString = queryAt < 0 ? "" : request.url.slice(queryAt + 1);
  const headers = headersOf(request.headers);
  const cookies = request.headers.cookie?.split(";").map((c) => c.trim()).filter(Boolean);
  const contentType = headers["content-type"] ?? "";
  const isBase64Encoded = request.body.length > 0 && !textual.test(contentType);
  const queryStringParameters = queryOf(new URLSearchParams(rawQueryString));
  const routeKey = `${route.method} ${route.path}`;
  const event = {
    version: "2.0",
    routeKey,
    rawPath,
    rawQueryString,
    ...(cookies !== undefined && cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(queryStringParameters !== undefined ? { queryStringParameters } : {}),
    ...(Object.keys(pathParameters).length > 0 ? { pathParameters } : {}),
    ...(request.body.length > 0 ? { body: request.body.toString(isBase64Encoded ? "base64" : "utf8") } : {}),
    isBase64Encoded,
    requestContext: {
      accountId: "000000000000",
      apiId: "local",
      ...(authorizer !== undefined ? { authorizer: { principalId: "", integrationLatency: 0, jwt: authorizer } } : {}),
      domainName: headers.host ?? "localhost",
      domainPrefix: (headers.host ?? "localhost").split(".")[0] ?? "localhost",
      http: {
        method: request.method,
        path: rawPath,
        protocol: "HTTP/1.1",
        sourceIp: request.sourceIp,
        userAgent: headers["user-agent"] ?? "",
      },
      requestId,
      routeKey,
      stage: "$default",
      time: clf(now),
      timeEpoch: now.getTime(),
    },
  };
  // Public routes carry no authorizer, which the library type (made for JWT routes) does not allow for.
  return event as APIGatewayProxyEventV2WithJWTAuthorizer;
};

/** The Lambda context a function of this route would get; the time limit is API Gateway's 30 s. */
export const lambdaContext = (route: AnyRoute, started: number): Context => ({
  callbackWaitsForEmptyEventLoop: true,
  functionName: `bookstore-local-${route.operationId}`,
  functionVersion: "$LATEST",
  invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:bookstore-local-${route.operationId}`,
  memoryLimitInMB: "1024",
  awsRequestId: randomUUID(),
  logGroupName: `/aws/lambda/bookstore-local-${route.operationId}`,
  logStreamName: "local",
  getRemainingTimeInMillis: () => Math.max(0, started + 30_000 - Date.now()),
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});
