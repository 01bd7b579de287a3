import type { Logger } from "@aws-lambda-powertools/logger";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy, { type MiddlewareObj } from "@middy/core";
import httpHeaderNormalizer from "@middy/http-header-normalizer";
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";
import { isLeft } from "fp-ts/lib/Either.js";
import { correlationIdOf } from "./correlation.js";
import { decodeRequest } from "./decode-request.js";
import { httpLogger } from "./logger.js";
import { internalError, respond } from "./respond.js";
import type { AnyRoute } from "./route.js";

type Event = APIGatewayProxyEventV2WithJWTAuthorizer;
type Result = APIGatewayProxyStructuredResultV2;
export type HttpHandler = (event: Event, context: Context) => Promise<Result>;

/** One log line per request, and the last word on faults: a 500 problem, the stack only in the log. */
const observe = (route: AnyRoute, logger: Logger): MiddlewareObj<Event, Result> => {
  const started = new WeakMap<object, number>();
  const line = (event: Event, status: number, extra: Record<string, unknown> = {}) => {
    const ms = performance.now() - (started.get(event) ?? performance.now());
    logger.info("request", {
      correlationId: correlationIdOf(event),
      requestId: event.requestContext.requestId,
      operationId: route.operationId,
      method: event.requestContext.http.method,
      path: event.rawPath,
      status,
      durationMs: Math.round(ms * 100) / 100,
      ...extra,
    });
  };
  return {
    before: (request) => {
      started.set(request.event, performance.now());
    },
    after: (request) => {
      line(request.event, request.response?.statusCode ?? 0);
    },
    onError: (request) => {
      const correlationId = correlationIdOf(request.event);
      logger.error("unhandled error", { correlationId, error: request.error });
      request.response = internalError(correlationId);
      line(request.event, 500);
    },
  };
};

/** The Lambda handler of one route: the same export runs in AWS, under `sst dev` and in the local server. */
export const lambdaFor = (route: AnyRoute, options: { readonly logger?: Logger } = {}): HttpHandler => {
  const logger = options.logger ?? httpLogger;
  return middy<Event, Result>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(httpHeaderNormalizer())
    .use(observe(route, logger))
    .handler(async (event) => {
      const input = decodeRequest(route, event);
      const correlationId = correlationIdOf(event);
      if (isLeft(input)) return respond(route, input.left, correlationId);
      return respond(route, await route.handler(input.right), correlationId, {
        ifNoneMatch: event.headers["if-none-match"],
        authorised: event.headers.authorization !== undefined,
      });
    });
};
