import type { APIGatewayProxyEventV2WithJWTAuthorizer } from "aws-lambda";
import { type Either, isLeft, left, right } from "fp-ts/lib/Either.js";
import type * as t from "io-ts";
import { ENTITY_TAGS } from "./caching.js";
import { claimsOf } from "./claims.js";
import { correlationIdOf } from "./correlation.js";
import { fieldErrors } from "./field-errors.js";
import { type FieldError, problem, validationProblem } from "./problem.js";
import { parseJsonBody } from "./request-body.js";
import { type AnyRoute, groupsFor, type RouteInput } from "./route.js";
import type { Failure } from "./result.js";

const idempotencyKey = /^[\x21-\x7e]{1,255}$/;
/** A version as this API's ETags give it: `"3"` from a write, `"3.12"` from a book page (the version, then its stock). */
const versionTag = /^(?:W\/)?"([1-9][0-9]{0,14})(?:\.[0-9]{1,16})?"$/;

const decodePart = <A>(codec: t.Decoder<unknown, A>, value: unknown, where: FieldError["in"], errors: FieldError[]): A | undefined => {
  const decoded = codec.decode(value);
  if (isLeft(decoded)) {
    errors.push(...fieldErrors(where, decoded.left));
    return undefined;
  }
  return decoded.right;
};

/**
 * Everything between API Gateway and the route's handler, in the order a client should learn it:
 * who you are (401, 403), then what you sent (413, 415, malformed JSON), then every failing field at once.
 */
export const decodeRequest = (
  route: AnyRoute,
  event: APIGatewayProxyEventV2WithJWTAuthorizer,
): Either<Failure, RouteInput<unknown, unknown, unknown>> => {
  const caller = claimsOf(event);
  if (isLeft(caller)) return caller;
  const claims = caller.right;
  if (route.auth !== "public" && claims === undefined) return left(problem(401, "This operation needs a bearer token."));
  const groups = groupsFor(route.auth);
  if (groups.length > 0 && !groups.some((g) => claims?.groups.includes(g))) {
    return left(problem(403, `This operation is for the ${groups.join(" or ")} group.`));
  }

  const body = parseJsonBody(event);
  if (isLeft(body)) return body;

  const errors: FieldError[] = [];
  const path = decodePart(route.request.path, event.pathParameters ?? {}, "path", errors);
  const query = decodePart(route.request.query, event.queryStringParameters ?? {}, "query", errors);
  const decodedBody =
    route.request.body !== undefined
      ? decodePart(route.request.body, body.right, "body", errors)
      : body.right === undefined
        ? undefined
        : void errors.push({ in: "body", pointer: "#", detail: "this operation takes no body" });
  const key = event.headers["idempotency-key"];
  if (key !== undefined && !idempotencyKey.test(key)) {
    errors.push({ in: "header", parameter: "Idempotency-Key", detail: "expected 1-255 visible ASCII characters" });
  }
  const ifMatch = route.conditional === true ? event.headers["if-match"] : undefined;
  const matched = ifMatch === undefined ? undefined : versionTag.exec(ifMatch.trim());
  if (ifMatch !== undefined && matched === null) {
    errors.push({ in: "header", parameter: "If-Match", detail: 'expected a version as an ETag of this API gives it, such as "3"' });
  }
  const ifNoneMatch = route.response.cache === undefined ? undefined : event.headers["if-none-match"];
  if (ifNoneMatch !== undefined && !ENTITY_TAGS.test(ifNoneMatch)) {
    errors.push({ in: "header", parameter: "If-None-Match", detail: "expected entity tags in visible ASCII, as this API's ETag gives them" });
  }
  if (errors.length > 0) return left(validationProblem(errors));

  return right({
    path,
    query,
    body: decodedBody,
    claims,
    idempotencyKey: key,
    ...(matched == null ? {} : { ifMatchVersion: Number(matched[1]) }),
    correlationId: correlationIdOf(event),
  });
};
