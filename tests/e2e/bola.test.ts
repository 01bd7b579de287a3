import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Client, type E2eApi, eventTypes, newBook, startE2eApi, stockedBook } from "./local-api.js";
import { SHIP_TO } from "../kit/ship-to.js";

let api: E2eApi;
let admin: Client;
let alice: Client;
let bob: Client;
let book: string;
let bobsOrder: string;
beforeAll(async () => {
  api = await startE2eApi("e2e-bola");
  admin = await api.as("root", ["admin"]);
  alice = await api.as("alice");
  bob = await api.as("bob");
  book = await stockedBook(admin, 20);
  await bob.post("/cart/items", { bookId: book, quantity: 2 });
  bobsOrder = (await bob.post("/checkout", { shippingAddress: SHIP_TO })).body.orderId;
  await bob.post("/cart/items", { bookId: book, quantity: 1 });
});
afterAll(() => api.close());

describe("a customer only ever touches their own cart and orders", () => {
  it("A cannot cancel B's order: 404, as if it did not exist, and the order stays placed", async () => {
    const r = await alice.post(`/orders/${bobsOrder}/cancel`);
    expect(r.status).toBe(404);
    const unknown = await alice.post("/orders/01J0000000000000000000000/cancel");
    const strip = (b: Record<string, unknown>) => ({ ...b, correlationId: undefined });
    expect(strip(r.body)).toEqual(strip(unknown.body));
    expect(await eventTypes(admin, `order#${bobsOrder}`)).toEqual(["OrderPlaced"]);
  });

  it("A cannot change or empty B's cart: cart routes act on the caller's own cart only", async () => {
    expect((await alice.patch(`/cart/items/${book}`, { quantity: 9 })).status).toBe(404);
    expect((await alice.delete(`/cart/items/${book}`)).status).toBe(404);
    expect((await alice.post("/cart/items", { bookId: book, quantity: 1, customerId: bob.sub })).status).toBe(400);
    expect(await eventTypes(admin, `cart#${bob.sub}`)).toEqual(["CartItemAdded", "CartCheckedOut", "CartItemAdded"]);
  });

  it("A cannot place an order from B's cart: checkout takes the caller's cart", async () => {
    const r = await alice.post("/checkout", { shippingAddress: SHIP_TO });
    expect(r.status).toBe(409);
    expect(r.body.kind).toBe("EmptyCart");
  });

  it("the admin may cancel anyone's order", async () => {
    await bob.post("/cart/items", { bookId: book, quantity: 1 });
    const order = (await bob.post("/checkout", { shippingAddress: SHIP_TO })).body.orderId;
    expect((await admin.post(`/orders/${order}/cancel`)).status).toBe(200);
    expect((await admin.get(`/streams/${encodeURIComponent(`order#${order}`)}/events`)).body.events[1].data.by).toBe("admin");
  });

  it("A gets 403 on every admin route, and no change is made", async () => {
    const attempts = [
      alice.post("/books", newBook()),
      alice.patch(`/books/${book}`, { title: "Mine now" }),
      alice.put(`/books/${book}/price`, { priceCents: 1, currency: "EUR" }),
      alice.post(`/books/${book}/discontinue`),
      alice.post(`/inventory/${book}/receipts`, { quantity: 1000 }),
      alice.get(`/streams/${encodeURIComponent(`order#${bobsOrder}`)}/events`),
    ];
    for (const r of await Promise.all(attempts)) {
      expect(r.status).toBe(403);
      expect(r.type).toBe("application/problem+json");
    }
    expect(await eventTypes(admin, `book#${book}`)).toEqual(["BookAdded"]);
    expect((await eventTypes(admin, `inventory#${book}`)).filter((t) => t === "StockReceived")).toHaveLength(1);
  });
});
