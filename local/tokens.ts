import { createHash, randomUUID } from "node:crypto";
import { SignJWT } from "jose";
import type { LocalAuthConfig } from "./auth-config.js";
import type { SigningKeys } from "./jwks.js";

export interface TokenRequest {
  readonly user: string;
  /** The token's subject, when not the user's own (a test of what the API makes of an odd one). */
  readonly sub?: string;
  readonly groups?: readonly string[];
  /** An `email` claim, as Cognito's ID tokens carry one (its access tokens do not). */
  readonly email?: string;
  readonly ttlSeconds?: number;
  readonly now?: Date;
}

/** A stable, UUID-shaped `sub` per user name, as Cognito gives each user one for life. */
export const subFor = (user: string): string => {
  const h = createHash("sha256").update(`local-user:${user}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

/** An access token shaped like Cognito's: `client_id`, `token_use`, `cognito:groups` only when the user has groups. */
export const mintToken = async (keys: SigningKeys, config: LocalAuthConfig, request: TokenRequest): Promise<string> => {
  const now = Math.floor((request.now ?? new Date()).getTime() / 1000);
  const groups = request.groups ?? [];
  return new SignJWT({
    token_use: "access",
    client_id: config.clientId,
    username: request.user,
    scope: "aws.cognito.signin.user.admin",
    auth_time: now,
    ...(groups.length > 0 ? { "cognito:groups": [...groups] } : {}),
    ...(request.email === undefined ? {} : { email: request.email }),
  })
    .setProtectedHeader({ alg: "RS256", kid: keys.kid, typ: "JWT" })
    .setIssuer(config.issuer)
    .setSubject(request.sub ?? subFor(request.user))
    .setIssuedAt(now)
    .setExpirationTime(now + (request.ttlSeconds ?? 3600))
    .setJti(randomUUID())
    .sign(keys.privateKey);
};
