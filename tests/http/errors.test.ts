import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, json, startTestApi, type TestApi } from "./api-server.js";
import { fixtureRoutes } from "./fixture-routes.js";

let api: TestApi;
let customer: string;
let admin: string;

beforeAll(async () => {
  api = await startTestApi(fixtureRoutes);
  customer = await api.token({ user: "alice" });
  admin = await api.token({ user: "root", groups: ["admin"] });
});
afterAll(() => api.close());

const call = async (path: string, init: RequestInit = {}) => {
  const res = await fetch(`${api.url}${path}`, init);
  const text = await res.text();
  return { status: res.status, type: res.headers.get("content-type"), headers: res.headers, text, body: text ? JSON.parse(text) : undefined };
};

const expectProblem = (r: Awaited<ReturnType<typeof call>>, status: number) => {
  expect(r.status).toBe(status);
  expect(r.type).toBe("application/problem+json");
  expect(r.body).toMatchObject({ status, type: expect.any(String), title: expect.any(String), detail: expect.any(String) });
};

const validBook = {
  title: "The Left Hand of Darkness",
  authors: ["Ursula K. Le Guin"],
  isbn: "978-0-441-47812-5",
  category: "science-fiction",
  description: "A novel.",
  priceCents: 1299,
  currency: "EUR",
};

describe("requests the API refuses, as RFC 9457 problems", () => {
  it("400 for malformed JSON", async () => {
    const r = await call("/cart/items", { method: "POST", headers: { "content-type": "application/json", ...bearer(customer) }, body: '{"bookId": "b1",' });
    expectProblem(r, 400);
    expect(r.body.detail).toMatch(/not valid JSON/);
  });

  it("400 naming every failing field and why", async () => {
    const r = await call("/cart/items", json({ quantity: 0 }, bearer(customer)));
    expectProblem(r, 400);
    expect(r.body.errors).toEqual(
      expect.arrayContaining([
        { in: "body", pointer: "#/bookId", detail: expect.stringMatching(/expected .*got nothing/) },
        { in: "body", pointer: "#/quantity", detail: "expected an integer from 1 to 99, got 0" },
      ]),
    );
  });

  it("400 for a field the client may not set (no mass assignment of a price)", async () => {
    const r = await call("/cart/items", json({ bookId: "b1", quantity: 1, unitPriceCents: 1 }, bearer(customer)));
    expectProblem(r, 400);
    expect(r.body.errors).toEqual([{ in: "body", pointer: "#/unitPriceCents", detail: "unknown field" }]);
  });

  it("400 for a query parameter that does not decode, and for an unknown one", async () => {
    const r = await call("/books?minPrice=cheap&colour=red");
    expectProblem(r, 400);
    expect(r.body.errors).toEqual(
      expect.arrayContaining([
        { in: "query", parameter: "minPrice", detail: expect.stringContaining('got "cheap"') },
        { in: "query", parameter: "colour", detail: "unknown field" },
      ]),
    );
  });

  it("decodes a good query into typed values", async () => {
    const r = await call("/books?q=le%20guin&minPrice=500&sort=price-asc");
    expect(r.status).toBe(200);
    expect(r.body.query).toEqual({ q: "le guin", minPrice: 500, sort: "price-asc" });
  });

  it("400 for a body on the admin route only after the caller is known to be admin", async () => {
    const asCustomer = await call("/books", json({ ...validBook, priceCents: -1 }, bearer(customer)));
    expectProblem(asCustomer, 403);
    const asAdmin = await call("/books", json({ ...validBook, priceCents: -1 }, bearer(admin)));
    expectProblem(asAdmin, 400);
    expect(asAdmin.body.errors).toEqual([{ in: "body", pointer: "#/priceCents", detail: expect.stringContaining("got -1") }]);
  });

  it("403 for a customer on an admin route, 201 for an admin", async () => {
    expectProblem(await call("/books", json(validBook, bearer(customer))), 403);
    const r = await call("/books", json(validBook, bearer(admin)));
    expect(r.status).toBe(201);
    expect(r.body).toEqual({ bookId: "01JBOOK", version: 1 });
  });

  it("404 for an unknown route and 405 for a known path with another method", async () => {
    expectProblem(await call("/nowhere"), 404);
    const r = await call("/whoami", { method: "DELETE", headers: bearer(customer) });
    expectProblem(r, 405);
    expect(r.headers.get("allow")).toBe("GET");
  });

  it("413 for a body over 256 KB", async () => {
    const r = await call("/cart/items", json({ bookId: "b1", quantity: 1, padding: "x".repeat(300 * 1024) }, bearer(customer)));
    expectProblem(r, 413);
  });

  it("415 for a body that is not JSON", async () => {
    const r = await call("/cart/items", { method: "POST", headers: { "content-type": "text/plain", ...bearer(customer) }, body: "bookId=b1" });
    expectProblem(r, 415);
  });

  it("500 with a correlation id and no stack trace or error text", async () => {
    const r = await call("/boom", { headers: { "x-correlation-id": "trace-500-check" } });
    expectProblem(r, 500);
    expect(r.body.correlationId).toBe("trace-500-check");
    expect(r.headers.get("x-correlation-id")).toBe("trace-500-check");
    expect(r.text).not.toMatch(/hunter2|at .*\.ts|stack|Error:/);
  });

  it("an optional body may be absent, and is decoded when present", async () => {
    expect((await call("/checkout", { method: "POST", headers: bearer(customer) })).body).toEqual({ body: null });
    expect((await call("/checkout", json({ paymentToken: "tok_ok" }, bearer(customer)))).body).toEqual({ body: { paymentToken: "tok_ok" } });
    expectProblem(await call("/checkout", json({ paymentToken: "tok_ok", amountCents: 1 }, bearer(customer))), 400);
  });

  it("400 for a body sent to an operation that takes none", async () => {
    const r = await call("/refusals/OrderNotFound", json({ ownerId: "someone" }, bearer(customer)));
    expectProblem(r, 400);
    expect(r.body.errors).toEqual([{ in: "body", pointer: "#", detail: "this operation takes no body" }]);
  });

  it("passes a valid Idempotency-Key on and refuses a malformed one", async () => {
    const ok = await call("/cart/items", json({ bookId: "b1", quantity: 2 }, { ...bearer(customer), "idempotency-key": "k-123" }));
    expect(ok.status).toBe(201);
    expect(ok.body.idempotencyKey).toBe("k-123");
    const bad = await call("/cart/items", json({ bookId: "b1", quantity: 2 }, { ...bearer(customer), "idempotency-key": "x".repeat(300) }));
    expectProblem(bad, 400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ in: "header", parameter: "Idempotency-Key" })]);
  });
});

describe("domain and store refusals, mapped in one place", () => {
  it.each([
    ["ConcurrencyError", 409],
    ["InsufficientStock", 409],
    ["OrderNotFound", 404],
    ["OrderNotYours", 404],
    ["IdempotencyKeyMismatch", 422],
  ])("%s answers %i", async (kind, status) => {
    const r = await call(`/refusals/${kind}`, { method: "POST", headers: bearer(customer) });
    expectProblem(r, status);
  });

  it("a business rule carries its details; not-yours says no more than not-found", async () => {
    const short = await call("/refusals/InsufficientStock", { method: "POST", headers: bearer(customer) });
    expect(short.body).toMatchObject({ kind: "InsufficientStock", lines: [{ bookId: "b1", requested: 3, available: 1 }] });
    const notYours = await call("/refusals/OrderNotYours", { method: "POST", headers: bearer(customer) });
    const notFound = await call("/refusals/OrderNotFound", { method: "POST", headers: bearer(customer) });
    const strip = (b: Record<string, unknown>) => ({ ...b, correlationId: undefined });
    expect(strip(notYours.body)).toEqual(strip(notFound.body));
  });
});
