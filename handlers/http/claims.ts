import type { APIGatewayProxyEventV2WithJWTAuthorizer } from "aws-lambda";
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

/** The caller, read only from what the JWT authorizer put in the request context. */
export const claimsOf = (event: APIGatewayProxyEventV2WithJWTAuthorizer): Claims | undefined => {
  const claims = (event.requestContext as { authorizer?: { jwt?: { claims?: Record<string, unknown> } } }).authorizer?.jwt?.claims;
  if (claims === undefined || typeof claims.sub !== "string" || claims.sub === "") return undefined;
  const raw = Object.fromEntries(Object.entries(claims).map(([k, v]) => [k, asString(v)]));
  return { sub: claims.sub, groups: parseGroups(claims["cognito:groups"]), raw };
};
