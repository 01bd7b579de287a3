import { PutItemCommand } from "@aws-sdk/client-dynamodb";
import { marshall } from "@aws-sdk/util-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, type Client, type E2eApi, expectAvailable, newBook, type Response, startE2eApi, stockedBook } from "./local-api.js";
import { SHIP_TO } from "../kit/ship-to.js";

let api: E2eApi;
let admin: Client;
let customer: Client;
beforeAll(async () => {
  api = await startE2eApi("e2e-errors", {}, "dynamodb", { readSide: ["book-detail"] });
  admin = await api.as("root", ["admin"]);
  customer = await api.as("dave");
});
afterAll(() => api.close());

const expectProblem = (r: Response, status: number) => {
  expect(r.status).toBe(status);
  expect(r.type).toBe("application/problem+json");
  expect(r.body).toMatchObject({ status, type: expect.any(String), title: expect.any(String), detail: expect.any(String), correlationId: expect.any(String) });
};

describe("every error class of the real routes, as RFC 9457 problems", () => {
  it("400 malformed JSON", async () => {
    const r = await call(`${api.url}/cart/items`, {
      method: "POST",
      headers: { authorization: `Bearer ${customer.token}`, "content-type": "application/json" },
      body: '{"bookId": ',
    });
    expectProblem(r, 400);
    expect(r.body.detail).toMatch(/not valid JSON/);
  });

  it("400 naming each failing field, including fields a client may not set", async () => {
    const r = await admin.post("/books", { ...newBook(), priceCents: "12", authors: [], ownerId: "me" });
    expectProblem(r, 400);
    expect(r.body.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual(["#/authors", "#/ownerId", "#/priceCents"]);
  });

  it("400 for a value only the catalogue's rules refuse: an ISBN with a wrong check digit", async () => {
    const r = await admin.post("/books", newBook({ isbn: "9780441478124" }));
    expectProblem(r, 400);
    expect(r.body).toMatchObject({ kind: "InvalidIsbn", errors: [{ in: "body", pointer: "#/isbn", detail: expect.stringMatching(/ISBN-13/) }] });
  });

  it("401 without a token, and with an expired one", async () => {
    expectProblem(await call(`${api.url}/cart/items`, { method: "POST" }), 401);
    const expired = await api.token({ user: "dave", now: new Date(Date.now() - 7_200_000), ttlSeconds: 60 });
    expectProblem(await call(`${api.url}/checkout`, { method: "POST", headers: { authorization: `Bearer ${expired}` } }), 401);
  });

  it("403 for a customer on an admin route", async () => {
    expectProblem(await customer.post("/books", newBook()), 403);
  });

  it("404 for an unknown book, cart line, order or stream", async () => {
    expectProblem(await customer.get("/books/no-such-book"), 404);
    expectProblem(await customer.post("/cart/items", { bookId: "no-such-book", quantity: 1 }), 404);
    expectProblem(await customer.patch("/cart/items/no-such-book", { quantity: 2 }), 404);
    expectProblem(await customer.post("/orders/no-such-order/cancel"), 404);
    expectProblem(await admin.post("/inventory/no-such-book/receipts", { quantity: 1 }), 404);
    expectProblem(await admin.get(`/streams/${encodeURIComponent("order#nothing")}/events`), 404);
  });

  it("409 for short stock, listing the short lines; nothing is reserved", async () => {
    const book = await stockedBook(admin, 2);
    const buyer = await api.as("erin");
    await buyer.post("/cart/items", { bookId: book, quantity: 3 });
    const r = await buyer.post("/checkout", { shippingAddress: SHIP_TO });
    expectProblem(r, 409);
    expect(r.body).toMatchObject({ kind: "InsufficientStock", lines: [{ bookId: book, requested: 3, available: 2 }] });
    await expectAvailable(buyer, book, 2);
  });

  it("409 for checking out an empty cart", async () => {
    const r = await (await api.as("frank")).post("/checkout", { shippingAddress: SHIP_TO, paymentToken: "tok_visa" });
    expectProblem(r, 409);
    expect(r.body.kind).toBe("EmptyCart");
  });

  it("413 for a body over 256 KB", async () => {
    expectProblem(await admin.post("/books", newBook({ description: "x".repeat(300 * 1024) })), 413);
  });

  it("415 for a body that is not JSON", async () => {
    const r = await call(`${api.url}/cart/items`, {
      method: "POST",
      headers: { authorization: `Bearer ${customer.token}`, "content-type": "application/x-www-form-urlencoded" },
      body: "bookId=b1&quantity=1",
    });
    expectProblem(r, 415);
  });

  it("422 for an Idempotency-Key reused with a different body", async () => {
    const book = await stockedBook(admin, 5);
    const first = await customer.post("/cart/items", { bookId: book, quantity: 1 }, { "idempotency-key": "dave-add-1" });
    expect(first.status).toBe(200);
    const reused = await customer.post("/cart/items", { bookId: book, quantity: 2 }, { "idempotency-key": "dave-add-1" });
    expectProblem(reused, 422);
  });

  it("422 for a cart line or a cart past the total limit, with the limit; the cart keeps what it had", async () => {
    const grace = await api.as("grace");
    const dearest = await stockedBook(admin, 200, { priceCents: 100_000_000 });
    const cheap = await stockedBook(admin, 5, { priceCents: 1 });
    const line = await grace.post("/cart/items", { bookId: dearest, quantity: 99 });
    expectProblem(line, 422);
    expect(line.body).toMatchObject({
      type: "urn:bookstore:problem:limit-exceeded",
      kind: "TotalTooLarge",
      scope: "line",
      bookId: dearest,
      totalCents: 9_900_000_000,
      maxCents: 100_000_000,
    });
    expect((await grace.post("/cart/items", { bookId: dearest, quantity: 1 })).status).toBe(200);
    const cart = await grace.post("/cart/items", { bookId: cheap, quantity: 1 });
    expectProblem(cart, 422);
    expect(cart.body).toMatchObject({ kind: "TotalTooLarge", scope: "cart", totalCents: 100_000_001, maxCents: 100_000_000 });
    const checkout = await grace.post("/checkout", { shippingAddress: SHIP_TO });
    expect(checkout.status).toBe(201);
    expect(checkout.body.totalCents).toBe(100_000_000);
  });

  it("500 for a stored event that no longer decodes: a correlation id, no internals", async () => {
    const book = await stockedBook(admin, 1);
    const broken = {
      pk: `book#${book}`,
      sk: 2,
      kind: "event",
      eventId: "01J9ZQ3ZK7Q2W4X5Y6Z7A8B9C0",
      type: "BookPriceChanged",
      schemaVersion: 1,
      streamId: `book#${book}`,
      version: 2,
      occurredAt: new Date().toISOString(),
      data: { bookId: book, priceCents: "twelve", currency: "EUR" },
      meta: { correlationId: "c", causationId: "c", actor: "x", commandId: "c" },
    };
    await api.local.runtime.client.send(new PutItemCommand({ TableName: api.local.runtime.tables.events, Item: marshall(broken) }));
    // Adding the book to a cart loads its stream, broken event and all.
    const r = await customer.post("/cart/items", { bookId: book, quantity: 1 }, { "x-correlation-id": "e2e-broken-item" });
    expectProblem(r, 500);
    expect(r.body.correlationId).toBe("e2e-broken-item");
    expect(JSON.stringify(r.body)).not.toMatch(/twelve|BookPriceChanged|book#|stack/);
  });
});
