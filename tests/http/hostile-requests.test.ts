import { type IncomingHttpHeaders, request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commandIdOf } from "../../handlers/http/commands/send.js";
import type { Subject } from "../../handlers/http/claims.js";
import { groupsFor } from "../../handlers/http/route.js";
import { subFor } from "../../local/tokens.js";
import { type Client, type E2eApi, eventTypes, newBook, startE2eApi, stockedBook } from "../e2e/local-api.js";
import { SHIP_TO } from "../kit/ship-to.js";

/**
 * The real route table over the real runtime, fed what a hostile client sends. Every request
 * must be refused with a 4xx problem, quickly and briefly, and write nothing. What is refused is
 * decided before anything is stored, so the events are kept in memory (the in-memory store
 * keeps the DynamoDB store's contract); the read models' tables are DynamoDB Local's.
 */
let api: E2eApi;
let admin: Client;
let customer: Client;
let book: string;
let order: string;

beforeAll(async () => {
  api = await startE2eApi("http-hostile", {}, "memory");
  admin = await api.as("root", ["admin"]);
  customer = await api.as("mallory");
  book = await stockedBook(admin, 50);
  await customer.post("/cart/items", { bookId: book, quantity: 1 });
  order = (await customer.post("/checkout", { shippingAddress: SHIP_TO })).body.orderId as string;
  await customer.post("/cart/items", { bookId: book, quantity: 1 });
  // What the API wrote is where the count looks, or "writes nothing" would hold of anything.
  expect(await itemCount()).toBeGreaterThan(10);
});
afterAll(() => api.close());

/** Every item the events are kept in: events, command records, counters, snapshots. */
const itemCount = async (): Promise<number> => {
  if (api.memoryEvents === undefined) throw new Error("the API was to keep its events in memory");
  return api.memoryEvents.size;
};

type Caller = "customer" | "admin" | "anonymous";
interface Hostile {
  readonly name: string;
  readonly method: string;
  readonly path: string;
  /** Sent as is: the point is often that it is not what JSON.stringify would make. */
  readonly body?: string;
  readonly headers?: Record<string, string>;
  readonly as?: Caller;
}

const deepArray = (n: number) => `${"[".repeat(n)}${"]".repeat(n)}`;
const deepObject = (n: number) => `${'{"a":'.repeat(n)}1${"}".repeat(n)}`;
const cartItem = (bookId: string, quantity: string = "1") => `{"bookId":${bookId},"quantity":${quantity}}`;
const bookBody = (overrides: Record<string, string>) => {
  const fields = Object.fromEntries(Object.entries(newBook()).map(([k, v]) => [k, JSON.stringify(v)]));
  return `{${Object.entries({ ...fields, ...overrides }).map(([k, v]) => `"${k}":${v}`).join(",")}}`;
};
const post = (path: string, body: string | undefined, as: Caller = "customer", headers: Record<string, string> = {}): Hostile => ({
  name: "",
  method: "POST",
  path,
  ...(body === undefined ? {} : { body }),
  headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
  as,
});
const get = (path: string, as: Caller = "anonymous", headers: Record<string, string> = {}): Hostile => ({ name: "", method: "GET", path, headers, as });

const nesting: Record<string, Hostile> = {
  "10,000 nested arrays as the cart body": post("/cart/items", deepArray(10_000)),
  "10,000 nested arrays as a cart field": post("/cart/items", cartItem(deepArray(10_000))),
  "10,000 nested arrays as the checkout body": post("/checkout", deepArray(10_000)),
  "10,000 nested arrays as a checkout field": post("/checkout", `{"paymentToken":${deepArray(10_000)}}`),
  "10,000 nested arrays as a book's authors": post("/books", bookBody({ authors: deepArray(10_000) }), "admin"),
  "10,000 nested arrays as the book body": post("/books", deepArray(10_000), "admin"),
  "5,000 nested objects as a cart field": post("/cart/items", cartItem(deepObject(5_000))),
  "17 levels, one past the bound": post("/cart/items", cartItem(deepArray(16))),
  "20,000 unknown fields": post("/cart/items", `{${Array.from({ length: 20_000 }, (_, i) => `"f${i}":0`).join(",")}}`),
  "a 200 KB unknown field name": post("/cart/items", `{"${"k".repeat(200_000)}":1}`),
  "a 200 KB book id": post("/cart/items", cartItem(JSON.stringify("b".repeat(200_000)))),
  "__proto__ smuggling a price": post("/cart/items", `{"__proto__":{"unitPriceCents":1},"bookId":"BOOK","quantity":1}`),
};

const numbers: Record<string, Hostile> = {
  "quantity 1e400 (Infinity once parsed)": post("/cart/items", cartItem('"BOOK"', "1e400")),
  "quantity -1": post("/cart/items", cartItem('"BOOK"', "-1")),
  "quantity -0": post("/cart/items", cartItem('"BOOK"', "-0")),
  "quantity 1e2": post("/cart/items", cartItem('"BOOK"', "1e2")),
  "quantity 1.5": post("/cart/items", cartItem('"BOOK"', "1.5")),
  "quantity 12345678901234567890": post("/cart/items", cartItem('"BOOK"', "12345678901234567890")),
  "quantity NaN (not JSON)": post("/cart/items", cartItem('"BOOK"', "NaN")),
  "quantity Infinity (not JSON)": post("/cart/items", cartItem('"BOOK"', "Infinity")),
  'quantity "NaN"': post("/cart/items", cartItem('"BOOK"', '"NaN"')),
  'quantity "1e1"': post("/cart/items", cartItem('"BOOK"', '"1e1"')),
  "price 1e400": post("/books", bookBody({ priceCents: "1e400" }), "admin"),
  "price -1e308": post("/books", bookBody({ priceCents: "-1e308" }), "admin"),
  "stock received 1e9": post("/inventory/BOOK/receipts", '{"quantity":1e9}', "admin"),
  "stock received -5": post("/inventory/BOOK/receipts", '{"quantity":-5}', "admin"),
  "stars 5.0000001": post("/books/BOOK/ratings", '{"stars":5.0000001}'),
  "minPrice=1e3": get("/books?minPrice=1e3"),
  "limit=NaN": get("/books?limit=NaN"),
  "limit=-1": get("/books?limit=-1"),
  "maxPrice of 20 digits": get("/books?maxPrice=99999999999999999999"),
  "minVersion=-1": get("/cart?minVersion=-1", "customer"),
  "minVersion=1e3": get("/inventory/BOOK?minVersion=1e3"),
  "minVersion=Infinity": get("/orders/ORDER?minVersion=Infinity", "customer"),
  "orders limit=0x10": get("/orders?limit=0x10", "customer"),
  "fromVersion=-0": get(`/streams/${encodeURIComponent("book#BOOK")}/events?fromVersion=-0`, "admin"),
  "event limit=1e3": get(`/streams/${encodeURIComponent("book#BOOK")}/events?limit=1e3`, "admin"),
};

const unicode: Record<string, Hostile> = {
  "a lone high surrogate in a title": post("/books", bookBody({ title: '"Dune \\ud800"' }), "admin"),
  "a lone low surrogate in an author": post("/books", bookBody({ authors: '["\\udc00 Herbert"]' }), "admin"),
  "a right-to-left override in a title": post("/books", bookBody({ title: '"\\u202egnp.exe"' }), "admin"),
  "a first-strong isolate in a description": post("/books", bookBody({ description: '"fine \\u2068print"' }), "admin"),
  "a NUL in a description": post("/books", bookBody({ description: '"a\\u0000b"' }), "admin"),
  "a C1 control in a title": post("/books", bookBody({ title: '"Dune\\u0085"' }), "admin"),
  "a right-to-left mark in a book id": post("/cart/items", cartItem('"\\u200fBOOK"')),
  "a right-to-left mark in a path id": get("/books/%E2%80%8FBOOK"),
  "a lone surrogate, percent-encoded, in a path id": get("/books/%ED%A0%80"),
  "a lone surrogate in a payment token": post("/checkout", '{"paymentToken":"tok_\\ud83d"}'),
  "a right-to-left override in a payment token": post("/checkout", '{"paymentToken":"tok_\\u202evisa"}'),
  "a fullwidth number sign in a book id": post("/cart/items", cartItem('"BOOK\\uff03x"')),
  "a latin1 charset and a book id beyond ASCII": post("/cart/items", '{"bookId":"\u00ff\u00fe","quantity":1}', "customer", { "content-type": "application/json; charset=latin1" }),
};

const headers: Record<string, Hostile> = {
  "a 10 KB Idempotency-Key": post("/cart/items", cartItem('"BOOK"'), "customer", { "idempotency-key": "k".repeat(10_240) }),
  "a 10 KB content type": post("/cart/items", cartItem('"BOOK"'), "customer", { "content-type": `text/${"x".repeat(10_240)}` }),
  "a 10 KB bearer token": post("/cart/items", cartItem('"BOOK"'), "anonymous", { authorization: `Bearer ${"a".repeat(10_240)}` }),
  "a 10 KB correlation id on a bad body": post("/cart/items", cartItem('"../x"'), "customer", { "x-correlation-id": "c".repeat(10_240) }),
  "an Idempotency-Key with a space": post("/cart/items", cartItem('"BOOK"'), "customer", { "idempotency-key": "a b" }),
};

const duplicates: Record<string, Hostile> = {
  "bookId twice": post("/cart/items", '{"bookId":"BOOK","bookId":"BOOK","quantity":1}'),
  "quantity twice": post("/cart/items", '{"bookId":"BOOK","quantity":1,"quantity":99}'),
  "quantity twice, once escaped": post("/cart/items", '{"bookId":"BOOK","quantity":1,"\\u0071uantity":2}'),
  "paymentToken twice": post("/checkout", '{"paymentToken":"tok_visa","paymentToken":"tok_declined"}'),
  "priceCents twice": post("/books", bookBody({ priceCents: '1299,"priceCents":1' }), "admin"),
  "stars twice": post("/books/BOOK/ratings", '{"stars":5,"stars":1}'),
};

/** Each id a client can name, with what would make it name something else. */
const idTricks = ["a#b", "a/b", "..", "../../admin/x", "%23", "BOOK#x", "."];
const encode = (s: string) => encodeURIComponent(s).replace(/\./g, "%2E");
const ids: Record<string, Hostile> = Object.fromEntries(
  idTricks.flatMap((trick) => {
    const inPath = encode(trick);
    const entries: [string, Hostile][] = [
      [`cart body bookId ${trick}`, post("/cart/items", cartItem(JSON.stringify(trick)))],
      [`GET /books/${trick}`, get(`/books/${inPath}`)],
      [`PATCH /books/${trick}`, { name: "", method: "PATCH", path: `/books/${inPath}`, body: '{"title":"x"}', headers: { "content-type": "application/json" }, as: "admin" }],
      [`PUT /books/${trick}/price`, { name: "", method: "PUT", path: `/books/${inPath}/price`, body: '{"priceCents":1,"currency":"EUR"}', headers: { "content-type": "application/json" }, as: "admin" }],
      [`discontinue ${trick}`, post(`/books/${inPath}/discontinue`, undefined, "admin")],
      [`rate ${trick}`, post(`/books/${inPath}/ratings`, '{"stars":3}')],
      [`receive stock of ${trick}`, post(`/inventory/${inPath}/receipts`, '{"quantity":1}', "admin")],
      [`GET /inventory/${trick}`, get(`/inventory/${inPath}`)],
      [`PATCH /cart/items/${trick}`, { name: "", method: "PATCH", path: `/cart/items/${inPath}`, body: '{"quantity":2}', headers: { "content-type": "application/json" }, as: "customer" }],
      [`DELETE /cart/items/${trick}`, { name: "", method: "DELETE", path: `/cart/items/${inPath}`, as: "customer" }],
      [`GET /orders/${trick}`, get(`/orders/${inPath}`, "customer")],
      [`cancel order ${trick}`, post(`/orders/${inPath}/cancel`, undefined)],
      [`orders cursor order#${trick}`, get(`/orders?cursor=${encodeURIComponent(`order#${trick}`)}`, "customer")],
      [`stream book#BOOK#${trick}`, get(`/streams/${encodeURIComponent(`book#BOOK#${trick}`)}/events`, "admin")],
    ];
    return entries;
  }),
);
// Double encoding: API Gateway decodes once, so `%2523` arrives as `%23`, which no id may hold.
ids["GET /books/%2523"] = get("/books/%2523");
ids["stream %2523"] = get(`/streams/${encodeURIComponent("book#%23")}/events`, "admin");
ids["stream ../../admin"] = get(`/streams/${encode("../../admin")}/events`, "admin");
ids["search cursor ../.."] = get(`/books?cursor=${encode("../..")}`);

const corpus = { nesting, numbers, unicode, headers, duplicates, ids };

/**
 * Over `node:http`, not fetch: fetch's URL parser would turn `/books/%2E%2E` into `/` before
 * it left the test, and the API would never see the dot segments a hostile client can send.
 */
const raw = (method: string, path: string, headers: Record<string, string>, body?: string) =>
  new Promise<{ status: number; type: string | null; headers: IncomingHttpHeaders; text: string }>((resolve, reject) => {
    const req = request(`${api.url}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, type: res.headers["content-type"] ?? null, headers: res.headers, text: Buffer.concat(chunks).toString("utf8") }),
      );
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });

const send = async (h: Hostile, token?: string) => {
  const tokens: Record<Caller, string | undefined> = { customer: customer.token, admin: admin.token, anonymous: undefined };
  const bearer = token ?? tokens[h.as ?? "anonymous"];
  const path = h.path.replaceAll("BOOK", book).replaceAll("ORDER", order);
  const body = h.body?.replaceAll('"BOOK"', JSON.stringify(book));
  return raw(h.method, path, { ...(bearer === undefined ? {} : { authorization: `Bearer ${bearer}` }), ...h.headers }, body);
};

describe("a corpus of hostile requests against the real route table", () => {
  for (const [group, cases] of Object.entries(corpus)) {
    describe(group, () => {
      it.each(Object.entries(cases))("%s: a 4xx problem, brief, and nothing written", async (_, hostile) => {
        const before = await itemCount();
        const r = await send(hostile);
        expect(r.status, r.text.slice(0, 300)).toBeGreaterThanOrEqual(400);
        expect(r.status, r.text.slice(0, 300)).toBeLessThan(500);
        expect(r.type).toBe("application/problem+json");
        const problem = JSON.parse(r.text) as { status: number; detail: string };
        expect(problem.status).toBe(r.status);
        // What the refusal echoes is bounded, whatever the request's size.
        expect(r.text.length).toBeLessThan(8_192);
        expect(await itemCount()).toBe(before);
      });
    });
  }

  it("the nesting the tracker reported answers 400 and says why", async () => {
    const r = await send(nesting["10,000 nested arrays as the cart body"]!);
    expect(r.status).toBe(400);
    expect(JSON.parse(r.text)).toMatchObject({ title: "Unacceptable JSON", detail: expect.stringMatching(/more than 16 levels/) });
    const dup = await send(duplicates["quantity twice"]!);
    expect(JSON.parse(dup.text)).toMatchObject({ title: "Unacceptable JSON", detail: expect.stringMatching(/"quantity" twice/) });
  });

  it("a refusal lists at most 20 failing fields, says how many more, and clips what it repeats", async () => {
    const many = JSON.parse((await send(nesting["20,000 unknown fields"]!)).text) as { errors: unknown[]; detail: string };
    expect(many.errors).toHaveLength(20);
    expect(many.detail).toMatch(/and \d+ more$/);
    const long = JSON.parse((await send(nesting["a 200 KB unknown field name"]!)).text) as { errors: { pointer: string }[] };
    expect(long.errors[0]?.pointer.length).toBeLessThanOrEqual(70);
  });

  it("a value 16 levels deep is still read (and refused for what it is, not for its depth)", async () => {
    const r = await send(post("/cart/items", cartItem(deepArray(15))));
    expect(r.status).toBe(400);
    expect(JSON.parse(r.text)).toMatchObject({ title: "Invalid request", errors: [{ pointer: "#/bookId", detail: expect.stringContaining("got [[[...]]]") }] });
  });

  it("the same requests, made well, do write (the corpus is refused for what is wrong with it)", async () => {
    const before = await itemCount();
    const r = await send(post("/cart/items", cartItem('"BOOK"')));
    expect(r.status).toBe(200);
    expect(await itemCount()).toBeGreaterThan(before);
  });
});

/** Subjects a validly signed token could carry that would name another stream, key or path. */
const forgedSubs = [
  `${subFor("victim")}#x`,
  "../../admin/x",
  `${subFor("victim")}:x`,
  "a/b",
  "%23",
  "..",
  `x${"y".repeat(64)}`,
  "\u200fmallory",
  "mallory\u0000",
];

/** A well-formed request for every route that takes a token: only the subject is wrong. */
const wellFormed = (operationId: string): Hostile => {
  const json = { "content-type": "application/json" };
  const table: Record<string, Hostile> = {
    addBook: post("/books", bookBody({}), "admin"),
    changeBookDetails: { name: "", method: "PATCH", path: "/books/BOOK", body: '{"title":"Renamed"}', headers: json },
    changeBookPrice: { name: "", method: "PUT", path: "/books/BOOK/price", body: '{"priceCents":999,"currency":"EUR"}', headers: json },
    discontinueBook: post("/books/BOOK/discontinue", undefined),
    rateBook: post("/books/BOOK/ratings", '{"stars":4}'),
    receiveStock: post("/inventory/BOOK/receipts", '{"quantity":1}'),
    adjustStock: post("/inventory/BOOK/adjustments", '{"delta":-1,"reason":"damaged"}'),
    getCart: get("/cart"),
    addCartItem: post("/cart/items", cartItem('"BOOK"')),
    changeCartItem: { name: "", method: "PATCH", path: "/cart/items/BOOK", body: '{"quantity":2}', headers: json },
    removeCartItem: { name: "", method: "DELETE", path: "/cart/items/BOOK" },
    checkout: post("/checkout", JSON.stringify({ paymentToken: "tok_visa", shippingAddress: SHIP_TO })),
    listOrders: get("/orders"),
    getOrder: get("/orders/ORDER"),
    cancelOrder: post("/orders/ORDER/cancel", undefined),
    payOrder: post("/orders/ORDER/payment", '{"paymentToken":"tok_visa"}'),
    createShipment: post("/orders/ORDER/shipments", '{"carrier":"DHL","trackingNumber":"T1"}'),
    deliverShipment: post("/orders/ORDER/shipments/S1/delivered", undefined),
    reportFulfilmentEvents: post("/fulfilment/events", '[{"eventId":"e1","orderId":"ORDER","type":"delivered","at":"2026-03-01T10:00:00.000Z"}]'),
    getStreamEvents: get(`/streams/${encodeURIComponent("book#BOOK")}/events`),
    getProjectionStatus: get("/projections/status"),
  };
  const request = table[operationId];
  if (request === undefined) throw new Error(`no well-formed request for ${operationId}: add one`);
  return request;
};

describe("a validly signed token whose sub is not an id", () => {
  it("every route that takes a token has a case here", () => {
    const guarded = api.local.routes.filter((r) => r.auth !== "public").map((r) => r.operationId);
    expect(guarded.length).toBeGreaterThan(10);
    for (const id of guarded) expect(() => wellFormed(id)).not.toThrow();
  });

  it.each(forgedSubs)("sub %j: every route that takes a token answers 401 and writes nothing", async (sub) => {
    const routes = api.local.routes.filter((r) => r.auth !== "public");
    const before = await itemCount();
    for (const route of routes) {
      // Admins too: an admin's sub names the actor of what they do.
      const token = await api.token({ user: "forger", sub, groups: [...groupsFor(route.auth)] });
      const r = await send(wellFormed(route.operationId), token);
      expect(r.status, `${route.operationId}: ${r.text.slice(0, 200)}`).toBe(401);
      expect(r.type).toBe("application/problem+json");
      expect(r.headers["www-authenticate"]).toMatch(/^Bearer error="invalid_token"/);
      // The refusal does not repeat the subject back.
      const { title, detail } = JSON.parse(r.text) as { title: string; detail: string };
      expect(`${title} ${detail}`).not.toContain(sub.slice(0, 10));
    }
    expect(await itemCount()).toBe(before);
  });

  it("the same requests with the caller's own sub go through (the refusal is about the sub)", async () => {
    const r = await fetch(`${api.url}/cart`, { headers: { authorization: `Bearer ${customer.token}` } });
    expect(r.status).toBe(200);
  });
});

describe("Idempotency-Keys of different callers never meet", () => {
  it("the record ids of (V:x, 1) and (V, x:1) differ, and so do those of any two pairs", () => {
    const v = subFor("victim");
    expect(commandIdOf(`${v}:x`, "1")).not.toBe(commandIdOf(v, "x:1"));
    expect(commandIdOf("a", "b:c")).not.toBe(commandIdOf("a:b", "c"));
    expect(commandIdOf(v, "k")).toBe(commandIdOf(v, "k"));
    expect(commandIdOf(v, "k")).not.toBe(commandIdOf(subFor("other"), "k"));
  });

  it("over HTTP: the caller whose sub is V:x is refused and learns nothing of V's key x:1", async () => {
    const victim = await api.as("victim");
    const first = await victim.post("/cart/items", { bookId: book, quantity: 1 }, { "idempotency-key": "x:1" });
    expect(first.status).toBe(200);
    const before = await itemCount();
    const token = await api.token({ user: "forger", sub: `${victim.sub}:x` });
    const probe = async (body: unknown) => {
      const res = await fetch(`${api.url}/cart/items`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "idempotency-key": "1" },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as { detail: string } };
    };
    // The same answer whether or not V used the key: nothing to learn from.
    const [same, other] = [await probe({ bookId: book, quantity: 1 }), await probe({ bookId: book, quantity: 2 })];
    expect([same.status, other.status]).toEqual([401, 401]);
    expect(same.body.detail).toBe(other.body.detail);
    expect(await itemCount()).toBe(before);
  });

  it("below the HTTP guard too: the colliding pair runs as its own command, not as V's repeat or a 422", async () => {
    const victim = await api.as("victim-2");
    expect((await victim.post("/cart/items", { bookId: book, quantity: 1 }, { "idempotency-key": "x:1" })).status).toBe(200);
    const route = api.local.routes.find((r) => r.operationId === "addCartItem")!;
    // As if a loosened sub rule let `V:x` through: the route's handler, given the decoded request.
    const answer = await route.handler({
      path: {},
      query: {},
      body: { bookId: book, quantity: 1 },
      claims: { sub: `${victim.sub}:x` as Subject, groups: [], raw: {} },
      idempotencyKey: "1",
      correlationId: "collision-check",
    });
    expect(answer).toMatchObject({ status: 200, body: { version: 1 } });
    expect(await eventTypes(admin, `cart#${victim.sub}`)).toEqual(["CartItemAdded"]);
  });
});
