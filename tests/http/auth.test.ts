import { exportJWK, generateKeyPair, SignJWT, UnsecuredJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseGroups } from "../../handlers/http/claims.js";
import { subFor } from "../../local/tokens.js";
import { bearer, type Json, startTestApi, type TestApi } from "./api-server.js";
import { fixtureRoutes } from "./fixture-routes.js";

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi(fixtureRoutes);
});
afterAll(() => api.close());

const whoAmI = async (headers: Record<string, string>, path = "/whoami") => {
  const res = await fetch(`${api.url}${path}`, { headers });
  return { status: res.status, type: res.headers.get("content-type"), auth: res.headers.get("www-authenticate"), body: (await res.json()) as Json };
};

const expect401 = async (headers: Record<string, string>, why: RegExp) => {
  const r = await whoAmI(headers);
  expect(r.status).toBe(401);
  expect(r.type).toBe("application/problem+json");
  expect(r.auth).toMatch(/^Bearer/);
  expect(r.body).toMatchObject({ status: 401, title: "Unauthorized" });
  expect(r.body.detail).toMatch(why);
};

describe("the JWT authorizer refuses before any handler runs", () => {
  it("401 without a token", () => expect401({}, /bearer token is required/));

  it("401 for a scheme other than Bearer", async () => {
    await expect401({ authorization: `Basic ${Buffer.from("a:b").toString("base64")}` }, /Bearer/);
  });

  it("401 for a token signed by another key under the pool's key id", async () => {
    const { privateKey } = await generateKeyPair("RS256");
    const forged = await new SignJWT({ client_id: api.config.clientId, token_use: "access", "cognito:groups": ["admin"] })
      .setProtectedHeader({ alg: "RS256", kid: api.keys.kid })
      .setIssuer(api.config.issuer)
      .setSubject("mallory")
      .setExpirationTime("1h")
      .sign(privateKey);
    await expect401(bearer(forged), /signature/);
  });

  it("401 for an expired token", async () => {
    const token = await api.token({ user: "alice", now: new Date(Date.now() - 2 * 3600_000), ttlSeconds: 3600 });
    await expect401(bearer(token), /expired/);
  });

  it("401 for another issuer", async () => {
    const { mintToken } = await import("../../local/tokens.js");
    const token = await mintToken(api.keys, { ...api.config, issuer: "https://issuer.invalid/pool" }, { user: "alice" });
    await expect401(bearer(token), /iss/);
  });

  it("401 for another app client", async () => {
    const { mintToken } = await import("../../local/tokens.js");
    const token = await mintToken(api.keys, { ...api.config, clientId: "someone-elses-client" }, { user: "alice" });
    await expect401(bearer(token), /app client/);
  });

  it("401 for alg: none", async () => {
    const unsigned = new UnsecuredJWT({ client_id: api.config.clientId, "cognito:groups": ["admin"] })
      .setIssuer(api.config.issuer)
      .setSubject("mallory")
      .setExpirationTime("1h")
      .encode();
    await expect401(bearer(unsigned), /algorithm|not a valid/);
  });

  it("401 for a symmetric token made with the public key as secret (alg confusion)", async () => {
    const publicJwk = api.keys.jwks.keys[0];
    const secret = new TextEncoder().encode(JSON.stringify(publicJwk));
    const token = await new SignJWT({ client_id: api.config.clientId })
      .setProtectedHeader({ alg: "HS256", kid: api.keys.kid })
      .setIssuer(api.config.issuer)
      .setSubject("mallory")
      .setExpirationTime("1h")
      .sign(secret);
    await expect401(bearer(token), /algorithm|signed/);
  });

  it("401 for garbage", () => expect401(bearer("not.a.jwt"), /not a valid JWT/));
});

describe("claims reach the handler as API Gateway passes them", () => {
  it("sub, groups and every claim as a string, `cognito:groups` flattened to `[a b]`", async () => {
    const token = await api.token({ user: "root", groups: ["admin", "staff"] });
    const r = await whoAmI(bearer(token));
    expect(r.status).toBe(200);
    const { claims } = r.body;
    expect(claims.sub).toBe(subFor("root"));
    expect(claims.groups).toEqual(["admin", "staff"]);
    expect(claims.raw["cognito:groups"]).toBe("[admin staff]");
    expect(claims.raw.client_id).toBe(api.config.clientId);
    expect(claims.raw.iss).toBe(api.config.issuer);
    expect(claims.raw.exp).toMatch(/^\d+$/);
    expect(Object.values(claims.raw).every((v) => typeof v === "string")).toBe(true);
  });

  it("a user without groups is a customer with none", async () => {
    const r = await whoAmI(bearer(await api.token({ user: "alice" })));
    expect(r.body.claims.groups).toEqual([]);
    expect(r.body.claims.raw["cognito:groups"]).toBeUndefined();
  });

  it("the same user keeps the same sub across tokens", async () => {
    const a = await whoAmI(bearer(await api.token({ user: "alice" })));
    const b = await whoAmI(bearer(await api.token({ user: "alice" })));
    expect(a.body.claims.sub).toBe(b.body.claims.sub);
    expect(a.body.claims.sub).not.toBe((await whoAmI(bearer(await api.token({ user: "bob" })))).body.claims.sub);
  });

  it("a public route needs no token and, as behind API Gateway (no authorizer on the route), never sees a caller's claims", async () => {
    expect((await whoAmI({}, "/public/whoami")).body).toEqual({ sub: null });
    expect((await whoAmI(bearer("not.a.jwt"), "/public/whoami")).body).toEqual({ sub: null });
    const r = await whoAmI(bearer(await api.token({ user: "alice" })), "/public/whoami");
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ sub: null });
  });

  it("the correlation id is the caller's x-correlation-id, else API Gateway's request id", async () => {
    const token = await api.token({ user: "alice" });
    expect((await whoAmI({ ...bearer(token), "x-correlation-id": "checkout-42" })).body.correlationId).toBe("checkout-42");
    const res = await fetch(`${api.url}/whoami`, { headers: bearer(token) });
    const body = (await res.json()) as Json;
    expect(body.correlationId).toBe(res.headers.get("apigw-requestid"));
  });

  it("the local user pool publishes its public key only", async () => {
    const jwks = (await (await fetch(`${api.url}/.well-known/jwks.json`)).json()) as Json;
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: "RSA", alg: "RS256", kid: api.keys.kid });
    expect(jwks.keys[0].d).toBeUndefined();
    expect(await exportJWK((await generateKeyPair("RS256")).publicKey)).not.toEqual(jwks.keys[0]);
  });
});

describe("cognito:groups in every form API Gateway has been seen to pass", () => {
  it.each([
    ["[admin customer]", ["admin", "customer"]],
    ["[admin]", ["admin"]],
    ['["admin","customer"]', ["admin", "customer"]],
    ["admin,customer", ["admin", "customer"]],
    ["[]", []],
    ["", []],
  ])("%j", (raw, groups) => {
    expect(parseGroups(raw)).toEqual(groups);
  });
  it("a real array, as a hand-built test event may carry", () => {
    expect(parseGroups(["admin"])).toEqual(["admin"]);
    expect(parseGroups(undefined)).toEqual([]);
  });
});
