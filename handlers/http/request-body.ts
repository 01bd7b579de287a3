import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { type Either, left, right } from "fp-ts/lib/Either.js";
import { clip } from "./echo.js";
import { jsonShapeIssue } from "./json-shape.js";
import { problem, problemTypes } from "./problem.js";
import type { Failure } from "./result.js";

export const MAX_BODY_BYTES = 256 * 1024;
/** Every body this API takes is two levels deep at most (a book's authors); the rest is headroom. */
export const MAX_JSON_DEPTH = 16;
const json = /^application\/([a-z0-9.-]+\+)?json\s*(;.*)?$/i;

/** The raw body, or `undefined` when the request has none. */
export const rawBody = (event: APIGatewayProxyEventV2): Buffer | undefined => {
  if (event.body === undefined || event.body === null || event.body === "") return undefined;
  return event.isBase64Encoded ? Buffer.from(event.body, "base64") : Buffer.from(event.body, "utf8");
};

/**
 * Size, then media type, then JSON syntax and shape: each with its own status (413, 415, 400),
 * which a generic body parser does not tell apart. Expects lower-case header names (header normalizer).
 */
export const parseJsonBody = (event: APIGatewayProxyEventV2): Either<Failure, unknown> => {
  const bytes = rawBody(event);
  if (bytes === undefined) return right(undefined);
  if (bytes.length > MAX_BODY_BYTES) {
    return left(problem(413, `The body is ${bytes.length} bytes; at most ${MAX_BODY_BYTES} are accepted.`));
  }
  const contentType = event.headers["content-type"];
  if (contentType === undefined || !json.test(contentType)) {
    return left(problem(415, `The body must be application/json, not ${contentType === undefined ? "untyped" : clip(contentType, 64)}.`));
  }
  const text = bytes.toString("utf8");
  let parsed: unknown;
  try {
    // V8's parser is iterative: any depth parses; what walks the value afterwards is bounded below.
    parsed = JSON.parse(text);
  } catch (e) {
    return left(
      problem(400, `The body is not valid JSON: ${clip((e as Error).message, 120)}`, {
        type: problemTypes.malformedJson,
        title: "Malformed JSON",
      }),
    );
  }
  const issue = jsonShapeIssue(text, MAX_JSON_DEPTH);
  if (issue !== undefined) {
    const detail =
      issue.kind === "too-deep"
        ? `The body nests arrays and objects more than ${issue.maxDepth} levels deep.`
        : `The body names the key ${JSON.stringify(clip(issue.key, 64))} twice in one object.`;
    return left(problem(400, detail, { type: problemTypes.unacceptableJson, title: "Unacceptable JSON" }));
  }
  return right(parsed);
};
