import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { PROBLEM_CONTENT_TYPE, problem } from "./problem.js";
import type { AnyRoute } from "./route.js";
import { type HttpResult, isFailure } from "./result.js";

const base = (correlationId: string) => ({ "x-correlation-id": correlationId, "cache-control": "no-store" });

/** Writes a handler's result for API Gateway: problems as problem+json, bodies through the response codec. */
export const respond = (
  route: AnyRoute | undefined,
  result: HttpResult<unknown>,
  correlationId: string,
): APIGatewayProxyStructuredResultV2 => {
  if (isFailure(result)) {
    return {
      statusCode: result.status,
      headers: { ...base(correlationId), ...result.headers, "content-type": PROBLEM_CONTENT_TYPE },
      body: JSON.stringify({ ...result.problem, correlationId }),
    };
  }
  if (result.status === 204) return { statusCode: 204, headers: { ...base(correlationId), ...result.headers } };
  const encoded = route?.response.codec ? route.response.codec.encode(result.body) : result.body;
  return {
    statusCode: result.status,
    headers: { ...base(correlationId), ...result.headers, "content-type": "application/json" },
    body: JSON.stringify(encoded),
  };
};

/** A fault, not a refusal: the client gets the correlation id to quote, never a stack trace. */
export const internalError = (correlationId: string): APIGatewayProxyStructuredResultV2 =>
  respond(undefined, problem(500, `Something went wrong on our side. Quote ${correlationId} when you report it.`), correlationId);
