import path from "node:path";

/** What the local user pool signs and the API Gateway emulation expects, like a Cognito pool and app client. */
export interface LocalAuthConfig {
  readonly issuer: string;
  readonly clientId: string;
  /** Where the signing key pair is kept between runs. */
  readonly keyDir: string;
}

export const localAuthConfig = (env: NodeJS.ProcessEnv = process.env): LocalAuthConfig => ({
  issuer: env.LOCAL_AUTH_ISSUER ?? "http://localhost/local-user-pool",
  clientId: env.LOCAL_AUTH_CLIENT_ID ?? "bookstore-local-client",
  keyDir: env.LOCAL_AUTH_KEY_DIR ?? path.join(".data", "auth"),
});
