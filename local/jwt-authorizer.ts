import { type Either, left, right } from "fp-ts/lib/Either.js";
import { createLocalJWKSet, errors, jwtVerify, type JWTPayload } from "jose";
import type { LocalAuthConfig } from "./auth-config.js";
import type { SigningKeys } from "./jwks.js";

export interface AuthorizerContext {
  readonly claims: Record<string, string>;
  readonly scopes: string[] | null;
}

/** API Gateway flattens every claim to a string; arrays become `[a b]`. */
export const toApiGatewayClaims = (payload: JWTPayload): Record<string, string> =>
  Object.fromEntries(
    Object.entries(payload).map(([k, v]) => [
      k,
      typeof v === "string" ? v : Array.isArray(v) ? `[${v.join(" ")}]` : typeof v === "object" && v !== null ? JSON.stringify(v) : String(v),
    ]),
  );

const reason = (e: unknown): string => {
  if (e instanceof errors.JWTExpired) return "the token has expired";
  if (e instanceof errors.JWTClaimValidationFailed) return `the token's ${e.claim} claim is not accepted`;
  if (e instanceof errors.JWSSignatureVerificationFailed) return "the token's signature does not verify";
  if (e instanceof errors.JOSEAlgNotAllowed) return "the token's algorithm is not accepted";
  if (e instanceof errors.JWKSNoMatchingKey) return "the token was not signed by this user pool";
  return "the token is not a valid JWT";
};

/**
 * What API Gateway's JWT authorizer does before any Lambda runs: a bearer token, RS256 only,
 * signed by the pool's key, unexpired, from the pool's issuer, for the app client (`aud` for ID
 * tokens, `client_id` for access tokens). On success the claims as the handler will see them.
 */
export const makeJwtAuthorizer = (keys: SigningKeys, config: LocalAuthConfig) => {
  const jwks = createLocalJWKSet({ keys: [...keys.jwks.keys] });
  return async (authorization: string | undefined): Promise<Either<string, AuthorizerContext>> => {
    if (authorization === undefined || authorization.trim() === "") return left("a bearer token is required");
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    if (match?.[1] === undefined) return left("the Authorization header must be 'Bearer <token>'");
    try {
      const { payload } = await jwtVerify(match[1], jwks, {
        issuer: config.issuer,
        algorithms: ["RS256"],
        requiredClaims: ["exp", "sub"],
      });
      const audience = payload.aud ?? payload.client_id;
      const audiences = Array.isArray(audience) ? audience : [audience];
      if (!audiences.includes(config.clientId)) return left("the token is not for this app client");
      const scope = typeof payload.scope === "string" ? payload.scope.split(" ").filter(Boolean) : [];
      return right({ claims: toApiGatewayClaims(payload), scopes: scope.length > 0 ? scope : null });
    } catch (e) {
      return left(reason(e));
    }
  };
};
export type JwtAuthorizer = ReturnType<typeof makeJwtAuthorizer>;
