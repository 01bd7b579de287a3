import type { APIGatewayProxyEventV2 } from "aws-lambda";

const acceptable = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's `x-correlation-id` when it is sane (it ends up in logs), else API Gateway's request id. */
export const correlationIdOf = (event: APIGatewayProxyEventV2): string => {
  const given = event.headers?.["x-correlation-id"];
  return given !== undefined && acceptable.test(given) ? given : event.requestContext.requestId;
};
