import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from "jose";

export interface SigningKeys {
  readonly kid: string;
  readonly privateKey: CryptoKey;
  /** What the local user pool publishes at `/.well-known/jwks.json`. */
  readonly jwks: { readonly keys: readonly JWK[] };
}

const FILE = "signing-key.jwk.json";

const fromPrivateJwk = async (jwk: JWK): Promise<SigningKeys> => {
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = jwk;
  const kid = jwk.kid ?? (await calculateJwkThumbprint(publicJwk));
  const privateKey = (await importJWK(jwk, "RS256")) as CryptoKey;
  return { kid, privateKey, jwks: { keys: [{ ...publicJwk, kid, alg: "RS256", use: "sig" }] } };
};

const readKey = async (file: string): Promise<JWK | undefined> => {
  try {
    return JSON.parse(await readFile(file, "utf8")) as JWK;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
};

/**
 * The local user pool's RS256 key pair, made once and kept (git-ignored) so tokens minted
 * earlier stay valid across restarts. Written via rename, so two processes never see half a key.
 */
export const loadOrCreateKeys = async (dir: string): Promise<SigningKeys> => {
  const file = path.join(dir, FILE);
  const existing = await readKey(file);
  if (existing !== undefined) return fromPrivateJwk(existing);
  const { privateKey } = await generateKeyPair("RS256", { modulusLength: 2048, extractable: true });
  const jwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint({ kty: jwk.kty, n: jwk.n, e: jwk.e });
  await mkdir(dir, { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, JSON.stringify({ ...jwk, kid, alg: "RS256" }), { mode: 0o600 });
  await rename(temp, file);
  return fromPrivateJwk((await readKey(file)) ?? jwk);
};
