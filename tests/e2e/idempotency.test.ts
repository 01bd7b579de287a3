import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Client, type E2eApi, expectAvailable, eventTypes, startE2eApi, stockedBook } from "./local-api.js";
import { SHIP_TO } from "../kit/ship-to.js";

let api: E2eApi;
let admin: Client;
beforeAll(async () => {
  api = await startE2eApi("e2e-idempotency", {}, "dynamodb", { readSide: ["book-detail"] });
  admin = await api.as("root", ["admin"]);
});
afterAll(() => api.close());

describe("Idempotency-Key", () => {
  it("the same checkout sent twice at once with one key places one order, and both get it", async () => {
    const book = await stockedBook(admin, 10);
    const grace = await api.as("grace");
    await grace.post("/cart/items", { bookId: book, quantity: 2 });
    const key = { "idempotency-key": "grace-checkout-1" };
    const [a, b] = await Promise.all([grace.post("/checkout", { shippingAddress: SHIP_TO, paymentToken: "tok_visa" }, key), grace.post("/checkout", { shippingAddress: SHIP_TO, paymentToken: "tok_visa" }, key)]);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.body.orderId).toBe(b.body.orderId);
    expect(await eventTypes(admin, `cart#${grace.sub}`)).toEqual(["CartItemAdded", "CartCheckedOut"]);
    expect(await eventTypes(admin, `inventory#${book}`)).toEqual(["StockReceived"]);
    expect(await eventTypes(admin, `reservation#${a.body.orderId}`)).toEqual(["StockReserved", "ReservationCommitted"]);
    await expectAvailable(admin, book, 8);

    const later = await grace.post("/checkout", { shippingAddress: SHIP_TO, paymentToken: "tok_visa" }, key);
    expect(later.status).toBe(201);
    expect(later.body).toMatchObject({ orderId: a.body.orderId, version: 1 });
  });

  it("many concurrent repeats of one key still make one order", async () => {
    const book = await stockedBook(admin, 10);
    const heidi = await api.as("heidi");
    await heidi.post("/cart/items", { bookId: book, quantity: 1 });
    const key = { "idempotency-key": "heidi-checkout" };
    const answers = await Promise.all(Array.from({ length: 6 }, () => heidi.post("/checkout", { shippingAddress: SHIP_TO }, key)));
    expect(answers.map((r) => r.status)).toEqual(Array(6).fill(201));
    expect(new Set(answers.map((r) => r.body.orderId)).size).toBe(1);
    expect(await eventTypes(admin, `inventory#${book}`)).toEqual(["StockReceived"]);
    expect(await eventTypes(admin, `reservation#${answers[0]!.body.orderId}`)).toEqual(["StockReserved"]);
  });

  it("a key reused with a different body is refused with 422 and changes nothing", async () => {
    const book = await stockedBook(admin, 10);
    const ivan = await api.as("ivan");
    await ivan.post("/cart/items", { bookId: book, quantity: 1 });
    const key = { "idempotency-key": "ivan-checkout" };
    expect((await ivan.post("/checkout", { shippingAddress: SHIP_TO }, key)).status).toBe(201);
    const reused = await ivan.post("/checkout", { shippingAddress: SHIP_TO, paymentToken: "tok_visa" }, key);
    expect(reused.status).toBe(422);
    expect(reused.type).toBe("application/problem+json");
    expect(reused.body.title).toBe("Idempotency-Key reused");
  });

  it("keys belong to the caller: two customers may pick the same key", async () => {
    const book = await stockedBook(admin, 10);
    const [judy, ken] = await Promise.all([api.as("judy"), api.as("ken")]);
    for (const c of [judy, ken]) await c.post("/cart/items", { bookId: book, quantity: 1 });
    const key = { "idempotency-key": "checkout-1" };
    const [j, k] = [await judy.post("/checkout", { shippingAddress: SHIP_TO }, key), await ken.post("/checkout", { shippingAddress: SHIP_TO }, key)];
    expect([j.status, k.status]).toEqual([201, 201]);
    expect(j.body.orderId).not.toBe(k.body.orderId);
  });
});
