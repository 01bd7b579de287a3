import { ulid } from "ulid";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { bookPage, call, type Client, type E2eApi, startE2eApi, stockedBook, VISIBLE_WITHIN } from "./local-api.js";
import { SHIP_TO } from "../kit/ship-to.js";

/**
 * What a browser and the CDN in front of the API may keep: the public catalogue reads carry a
 * validator and a short lifetime, a client holding the current one gets a 304, and the caller's
 * own data is never stored. An admin's write can be made conditional on the version it read.
 */

let api: E2eApi;
let admin: Client;
let rival: Client;
beforeAll(async () => {
  api = await startE2eApi("e2e-caching", { redisUrl: inject("redisUrl"), redisPrefix: `e2e-${ulid()}:` }, "dynamodb", {
    readSide: ["book-detail", "inventory-view", "bestsellers", "top-rated", "book-titles", "cart-view", "order-history"],
  });
  admin = await api.as("root", ["admin"]);
  rival = await api.as("second-admin", ["admin"]);
}, 60_000);
afterAll(() => api?.close());

const catalogue = "public, max-age=5, stale-while-revalidate=30";

describe("public reads are cacheable", () => {
  it("a book page carries its version and stock as its ETag, and answers 304 while that is current", async () => {
    const book = await stockedBook(admin, 10);
    const buyer = await api.as(`buyer-${ulid()}`);
    const page = await bookPage(buyer, book, (b) => b?.available === 10);
    expect(page.headers.get("etag")).toBe('"1.10"');
    // A signed-in caller's copy is for its own browser; the CDN keeps only what anonymous requests get.
    expect(page.headers.get("cache-control")).toBe("private, max-age=5, stale-while-revalidate=30");
    expect((await call(`${api.url}/books/${book}`)).headers.get("cache-control")).toBe(catalogue);

    // Anyone, signed in or not, holding that tag gets no body back.
    const anonymous = await fetch(`${api.url}/books/${book}`, { headers: { "if-none-match": '"1.10"' } });
    expect(anonymous.status).toBe(304);
    expect(await anonymous.text()).toBe("");
    expect(anonymous.headers.get("etag")).toBe('"1.10"');
    expect(anonymous.headers.get("content-type")).toBeNull();
    expect((await buyer.get(`/books/${book}`, { "if-none-match": 'W/"0.1", W/"1.10"' })).status).toBe(304);
    expect((await buyer.get(`/books/${book}`, { "if-none-match": "*" })).status).toBe(304);
    expect((await buyer.get(`/books/${book}`, { "if-none-match": '"1.9"' })).status).toBe(200);
    const garbled = await buyer.get(`/books/${book}`, { "if-none-match": "\u00c2\u0084" });
    expect(garbled.status).toBe(400);
    expect(garbled.body).toMatchObject({ errors: [{ in: "header", parameter: "If-None-Match" }] });

    // A sale changes the stock, and so the tag: the old one gets the new page.
    await buyer.post("/cart/items", { bookId: book, quantity: 3 });
    expect((await buyer.post("/checkout", { shippingAddress: SHIP_TO, paymentToken: "tok_visa" })).status).toBe(201);
    await bookPage(buyer, book, (b) => b?.available === 7);
    const after = await buyer.get(`/books/${book}`, { "if-none-match": '"1.10"' });
    expect(after.status).toBe(200);
    expect(after.headers.get("etag")).toBe('"1.7"');
  });

  it("rankings, stock, the OpenAPI document and a missing book each get what they should", async () => {
    const book = await stockedBook(admin, 4);
    await expect.poll(async () => (await call(`${api.url}/inventory/${book}`)).body?.onHand, VISIBLE_WITHIN).toBe(4);

    const stock = await call(`${api.url}/inventory/${book}`);
    expect(stock.headers.get("cache-control")).toBe("public, max-age=1, stale-while-revalidate=5");
    const stockTag = stock.headers.get("etag")!;
    expect(stockTag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    expect((await call(`${api.url}/inventory/${book}`, { headers: { "if-none-match": stockTag } })).status).toBe(304);
    expect((await admin.post(`/inventory/${book}/receipts`, { quantity: 1 })).status).toBe(200);
    await expect.poll(async () => (await call(`${api.url}/inventory/${book}`)).body?.onHand, VISIBLE_WITHIN).toBe(5);
    const moved = await call(`${api.url}/inventory/${book}`, { headers: { "if-none-match": stockTag } });
    expect(moved.status).toBe(200);
    expect(moved.headers.get("etag")).not.toBe(stockTag);

    const rankings = await call(`${api.url}/bestsellers`);
    expect(rankings.headers.get("cache-control")).toBe(catalogue);
    expect((await call(`${api.url}/bestsellers`, { headers: { "if-none-match": rankings.headers.get("etag")! } })).status).toBe(304);

    const doc = await call(`${api.url}/openapi.json`);
    expect(doc.headers.get("cache-control")).toBe(catalogue);
    expect((await call(`${api.url}/openapi.json`, { headers: { "if-none-match": doc.headers.get("etag")! } })).status).toBe(304);

    // A problem is never kept: the book may be added a moment later.
    const missing = await call(`${api.url}/books/${ulid()}`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get("cache-control")).toBe("no-store");
    expect(missing.headers.get("etag")).toBeNull();
  });

  it("an answer older than the version asked for is not kept", async () => {
    const book = await stockedBook(admin, 2);
    await bookPage(admin, book, (b) => b?.available === 2);
    const ahead = await call(`${api.url}/books/${book}?minVersion=50`);
    expect(ahead.status).toBe(200);
    expect(ahead.headers.get("x-read-model-stale")).toBe("true");
    expect(ahead.headers.get("cache-control")).toBe("no-store");
    expect(ahead.headers.get("etag")).toBeNull();
  });
});

describe("the caller's own data is never stored", () => {
  it("the cart and the orders are no-store, with no validator, whatever the request sends", async () => {
    const book = await stockedBook(admin, 5);
    const buyer = await api.as(`buyer-${ulid()}`);
    expect((await buyer.post("/cart/items", { bookId: book, quantity: 1 })).status).toBe(200);
    for (const path of ["/cart", "/orders"]) {
      const own = await buyer.get(path, { "if-none-match": "*" });
      expect(own.status, path).toBe(200);
      expect(own.headers.get("cache-control"), path).toBe("no-store");
      expect(own.headers.get("etag"), path).toBeNull();
    }
  });
});

describe("conditional writes", () => {
  it("of two admins editing the same version, one wins and the other is told to read again", async () => {
    const book = await stockedBook(admin, 3, { title: "Contested" });
    const seen = await bookPage(admin, book, (b) => b?.available === 3);
    const tag = seen.headers.get("etag")!;
    expect(tag).toBe('"1.3"');

    const [a, b] = await Promise.all([
      admin.patch(`/books/${book}`, { title: "Contested, by the first" }, { "if-match": tag }),
      rival.patch(`/books/${book}`, { title: "Contested, by the second" }, { "if-match": tag }),
    ]);
    const statuses = [a.status, b.status].sort();
    expect(statuses, api.faults()).toEqual([200, 412]);
    const [won, lost] = a.status === 200 ? [a, b] : [b, a];
    expect(won.headers.get("etag")).toBe('"2"');
    expect(won.body).toEqual({ version: 2 });
    expect(lost.type).toBe("application/problem+json");
    expect(lost.body).toMatchObject({ status: 412, type: "urn:bookstore:problem:precondition-failed", kind: "PreconditionFailed", currentVersion: 2, expectedVersion: 1 });

    // The loser reads again and its change, made on the current version, lands.
    const fresh = await bookPage(rival, book, (p) => p?.version === 2);
    const price = await rival.put(`/books/${book}/price`, { priceCents: 999, currency: "EUR" }, { "if-match": fresh.headers.get("etag")! });
    expect(price.status, JSON.stringify(price.body)).toBe(200);
    expect(price.headers.get("etag")).toBe('"3"');
    // A write's own ETag is the next write's validator.
    expect((await admin.post(`/books/${book}/discontinue`, undefined, { "if-match": '"2"' })).status).toBe(412);
    expect((await admin.post(`/books/${book}/discontinue`, undefined, { "if-match": '"3"' })).status).toBe(200);
    const page = await bookPage(admin, book, (p) => p?.version === 4);
    const wonTitle = won === a ? "Contested, by the first" : "Contested, by the second";
    expect(page.body).toMatchObject({ title: wonTitle, priceCents: 999, discontinued: true });
  });

  it("without If-Match a write is unconditional, and a malformed one is a 400 naming the header", async () => {
    const book = await stockedBook(admin, 1);
    expect((await admin.patch(`/books/${book}`, { title: "Unconditional" })).status).toBe(200);
    for (const bad of ["3", '"abc"', '"0"', '"1', `"${"9".repeat(20)}"`]) {
      const r = await admin.patch(`/books/${book}`, { title: "Never" }, { "if-match": bad });
      expect(r.status, bad).toBe(400);
      expect(r.body.errors, bad).toEqual([expect.objectContaining({ in: "header", parameter: "If-Match" })]);
    }
    const page = await bookPage(admin, book, (p) => p?.version === 2);
    expect(page.body.title).toBe("Unconditional");
  });

  it("a retried conditional write answers as it did the first time, not 412", async () => {
    const book = await stockedBook(admin, 1);
    const key = { "if-match": '"1"', "idempotency-key": `edit-${ulid()}` };
    const first = await admin.post(`/books/${book}/discontinue`, undefined, key);
    expect(first.status).toBe(200);
    const again = await admin.post(`/books/${book}/discontinue`, undefined, key);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
  });
});
