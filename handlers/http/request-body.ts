import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { type Either, left, right } from "fp-ts/lib/Either.js";
import { problem } from "./problem.js";
import type { Failure } from "./result.js";

export const MAX_BODY_BYTES = 256 * 1024;
const json = /^application\/([a-z0-9.-]+\+)?json\s*(;.*)?$/i;

/** The raw body, or `undefined` when the request has none. */
export const rawBody = (event: APIGatewayProxyEventV2): Buffer | undefined => {
  if (event.body === undefined || event.body === null || event.body === "") return undefined;
  return event.isBase64Encoded ? Buffer.from(event.body, "base64") : Buffer.from(event.body, "utf8");
};

/**
 * Size, then media type, then JSON syntax: each with its own status (413, 415, 400), which a
 * generic body parser does not tell apart. Expects lower-case header names (header normalizer).
 */
export const parseJsonBody = (event: APIGatewayProxyEventV2): Either<Failure, unknown> => {
  const bytes = rawBody(event);
  if (bytes === undefined) return right(undefined);
  if (bytes.length > MAX_BODY_BYTES) {
    return left(problem(413, `The body is ${bytes.length} bytes; at most ${MAX_BODY_BYTES} are accepted.`));
  }
  const contentType = event.headers["content-type"];
  if (contentType === undefined || !json.test(contentType)) {
    return left(problem(415, `The body must be application/json, not ${contentType ?? "untyped"}.`));
  }
  try {
    return right(JSON.parse(bytes.toString("utf8")));
  } catch (e) {
    return left(
      problem(400, `The body is not valid JSON: ${(e as Error).message}`, {
        type: "urn:bookstore:problem:malformed-json",
        title: "Malformed JSON",
      }),
    );
  }
};
