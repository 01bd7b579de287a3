import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bookPage, type Client, type E2eApi, eventTypes, expectAvailable, newBook, startE2eApi, stockedBook } from "./local-api.js";
import { SHIP_TO } from "../kit/ship-to.js";

let api: E2eApi;
let admin: Client;
let customer: Client;
beforeAll(async () => {
  api = await startE2eApi("e2e-journey", {}, "dynamodb", { readSide: ["book-detail"] });
  admin = await api.as("root", ["admin"]);
  customer = await api.as("carol");
});
afterAll(() => api.close());

describe("over HTTP, against the local runtime", () => {
  it("an admin builds the catalogue: adds a book, edits it, prices it, stocks it, withdraws another", async () => {
    const added = await admin.post("/books", newBook({ title: "Solaris", authors: ["Stanisław Lem"], priceCents: 1200 }));
    expect(added.status).toBe(201);
    expect(added.body).toEqual({ bookId: expect.stringMatching(/^[0-9A-Z]{26}$/), version: 1 });
    const { bookId } = added.body;

    expect((await admin.patch(`/books/${bookId}`, { description: "A planet that thinks." })).body).toEqual({ version: 2 });
    expect((await admin.put(`/books/${bookId}/price`, { priceCents: 999, currency: "EUR" })).body).toEqual({ version: 3 });
    expect((await admin.post(`/inventory/${bookId}/receipts`, { quantity: 12 })).body).toEqual({ version: 1 });

    // The book page is a read model: asked for the version the last book command answered, and waited on for the receipt.
    const book = await bookPage(customer, bookId, (b) => b.available === 12);
    expect(book.status).toBe(200);
    expect((await customer.get(`/books/${bookId}?minVersion=3`)).headers.get("x-read-model-stale")).toBeNull();
    expect(book.body).toMatchObject({ bookId, title: "Solaris", description: "A planet that thinks.", priceCents: 999, available: 12, version: 3, discontinued: false });

    const other = await stockedBook(admin, 1);
    expect((await admin.post(`/books/${other}/discontinue`)).body).toEqual({ version: 2 });
    expect((await bookPage(customer, other, (b) => b.version === 2)).body.discontinued).toBe(true);
    const refused = await customer.post("/cart/items", { bookId: other, quantity: 1 });
    expect(refused.status).toBe(409);
    expect(refused.body.kind).toBe("BookDiscontinued");
  });

  it("a customer fills the cart, changes it, checks out and pays, sees the order, then cancels it", async () => {
    const dune = await stockedBook(admin, 10, { title: "Dune", priceCents: 1100 });
    const hobbit = await stockedBook(admin, 5, { title: "The Hobbit", priceCents: 800 });
    const ubik = await stockedBook(admin, 5, { title: "Ubik", priceCents: 700 });

    expect((await customer.post("/cart/items", { bookId: dune, quantity: 1 })).body).toEqual({ version: 1 });
    expect((await customer.post("/cart/items", { bookId: hobbit, quantity: 2 })).body).toEqual({ version: 2 });
    expect((await customer.post("/cart/items", { bookId: ubik, quantity: 1 })).body).toEqual({ version: 3 });
    expect((await customer.patch(`/cart/items/${dune}`, { quantity: 3 })).body).toEqual({ version: 4 });
    expect((await customer.delete(`/cart/items/${ubik}`)).body).toEqual({ version: 5 });

    const placed = await customer.post("/checkout", { shippingAddress: SHIP_TO, paymentToken: "tok_visa" }, { "idempotency-key": "carol-order-1" });
    expect(placed.status).toBe(201);
    expect(placed.body).toEqual({ orderId: expect.any(String), version: 1, totalCents: 3 * 1100 + 2 * 800, currency: "EUR", status: "paid" });
    const { orderId } = placed.body;

    const order = await admin.get(`/streams/${encodeURIComponent(`order#${orderId}`)}/events`);
    expect(order.status).toBe(200);
    expect(order.body.events.map((e: { type: string }) => e.type)).toEqual(["OrderPlaced", "OrderPaid"]);
    expect(order.body.events[0].data).toMatchObject({
      customerId: customer.sub,
      totalCents: 4900,
      lines: expect.arrayContaining([
        expect.objectContaining({ bookId: dune, quantity: 3, unitPriceCents: 1100 }),
        expect.objectContaining({ bookId: hobbit, quantity: 2, unitPriceCents: 800 }),
      ]),
    });
    expect(order.body.events[0].meta).toMatchObject({ actor: `customer:${customer.sub}` });
    expect(await eventTypes(admin, `cart#${customer.sub}`)).toEqual([
      "CartItemAdded",
      "CartItemAdded",
      "CartItemAdded",
      "CartItemQuantityChanged",
      "CartItemRemoved",
      "CartCheckedOut",
    ]);
    await expectAvailable(customer, dune, 7);

    const cancelled = await customer.post(`/orders/${orderId}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toEqual({ version: 3 });
    expect(await eventTypes(admin, `order#${orderId}`)).toEqual(["OrderPlaced", "OrderPaid", "OrderCancelled"]);
    await expectAvailable(customer, dune, 10);
    await expectAvailable(customer, hobbit, 5);

    const again = await customer.post(`/orders/${orderId}/cancel`);
    expect(again.status).toBe(409);
    expect(again.body.kind).toBe("IllegalOrderTransition");
    expect(await eventTypes(admin, `order#${orderId}`)).toEqual(["OrderPlaced", "OrderPaid", "OrderCancelled"]);
  });

  it("a declined card cancels the order and gives the stock back", async () => {
    const book = await stockedBook(admin, 4);
    await customer.post("/cart/items", { bookId: book, quantity: 4 });
    const placed = await customer.post("/checkout", { shippingAddress: SHIP_TO, paymentToken: "tok_declined" });
    expect(placed.status).toBe(201);
    expect(placed.body.status).toBe("cancelled");
    await expectAvailable(customer, book, 4);
  });

  it("a customer rates a book; a new rating replaces the old one", async () => {
    const book = await stockedBook(admin, 1);
    expect((await customer.post(`/books/${book}/ratings`, { stars: 4 })).body).toEqual({ version: 1 });
    expect((await customer.post(`/books/${book}/ratings`, { stars: 2 })).body).toEqual({ version: 2 });
    const stream = await admin.get(`/streams/${encodeURIComponent(`rating#${book}.${customer.sub}`)}/events`);
    expect(stream.body.events.map((e: { data: { stars: number } }) => e.data.stars)).toEqual([4, 2]);
  });

  it("the stream endpoint pages through a long stream", async () => {
    const book = await stockedBook(admin, 1);
    for (let i = 0; i < 4; i++) await admin.post(`/inventory/${book}/receipts`, { quantity: 1 });
    const first = await admin.get(`/streams/${encodeURIComponent(`inventory#${book}`)}/events?limit=3`);
    expect(first.body.events.map((e: { version: number }) => e.version)).toEqual([1, 2, 3]);
    expect(first.body.nextFromVersion).toBe(4);
    const rest = await admin.get(`/streams/${encodeURIComponent(`inventory#${book}`)}/events?limit=3&fromVersion=4`);
    expect(rest.body.events.map((e: { version: number }) => e.version)).toEqual([4, 5]);
    expect(rest.body.nextFromVersion).toBeUndefined();
  });

  it("queries check their input before they read a model", async () => {
    const badQuery = await customer.get("/books?sort=cheapest&limit=1000");
    expect(badQuery.status).toBe(400);
    expect(badQuery.body.errors.map((e: { parameter: string }) => e.parameter).sort()).toEqual(["limit", "sort"]);
    expect((await customer.get("/orders?colour=red")).status).toBe(400);
    expect((await customer.get("/inventory/not%20an%20id")).status).toBe(400);
    expect((await customer.get("/cart?minVersion=0")).status).toBe(400);
    expect((await customer.get("/orders?cursor=")).status).toBe(400);
  });
});
