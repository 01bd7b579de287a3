import type { APIGatewayProxyEventV2WithJWTAuthorizer } from "aws-lambda";
import { type Either, isLeft, left, right } from "fp-ts/lib/Either.js";
import * as t from "io-ts";
import { Id } from "./codecs/common.js";
import { problem } from "./problem.js";
import type { Failure } from "./result.js";
import type { Claims } from "./route.js";

const strings = (values: readonly unknown[]): string[] =>
  values.filter((v): v is string => typeof v === "string" && v.length > 0);

/**
 * `cognito:groups` as API Gateway hands it on: the JWT array flattened to a string, `[admin customer]`
 * for HTTP APIs, sometimes JSON (`["admin","customer"]`); a real array if a caller built the event.
 */
export const parseGroups = (value: unknown): string[] => {
  if (Array.isArray(value)) return strings(value);
  if (typeof value !== "string") return [];
  const text = value.trim();
  if (text.startsWith("[")) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (Array.isArray(parsed)) return strings(parsed);
    } catch {
      // Not JSON: the bracketed, space-separated form.
    }
  }
  return strings(text.replace(/^\[|\]$/g, "").split(/[\s,]+/).map((g) => g.replace(/^"|"$/g, "")));
};

const asString = (value: unknown): string =>
  typeof value === "string" ? value : Array.isArray(value) ? `[${value.join(" ")}]` : String(value);

interface SubjectBrand {
  readonly Subject: unique symbol;
}
/**
 * The caller's identity as a handler may use it: it names the caller's cart and rating streams,
 * their order history key and their idempotency records, so it passes the same rule as every other
 * id. A signature says who issued a token, not that its `sub` is safe to put in a key: `<uuid>#x`
 * would name another stream, and `V:x` another caller's records.
 */
export const Subject = t.brand(t.string, (s): s is t.Branded<string, SubjectBrand> => Id.is(s), "Subject");
export type Subject = t.TypeOf<typeof Subject>;

/**
 * The caller, read only from what the JWT authorizer put in the request context: `undefined`
 * without one, a 401 when the token names no identity this API can use.
 */
export const claimsOf = (event: APIGatewayProxyEventV2WithJWTAuthorizer): Either<Failure, Claims | undefined> => {
  const claims = (event.requestContext as { authorizer?: { jwt?: { claims?: Record<string, unknown> } } }).authorizer?.jwt?.claims;
  if (claims === undefined || claims.sub === undefined || claims.sub === "") return right(undefined);
  const sub = Subject.decode(claims.sub);
  if (isLeft(sub)) {
    // Nothing of the subject is echoed: it is the token's, and the client may not have seen it.
    return left({
      ...problem(401, "The token's subject is not an identity this API accepts."),
      headers: { "www-authenticate": 'Bearer error="invalid_token"' },
    });
  }
  const raw = Object.fromEntries(Object.entries(claims).map(([k, v]) => [k, asString(v)]));
  return right({ sub: sub.right, groups: parseGroups(claims["cognito:groups"]), raw });
};
