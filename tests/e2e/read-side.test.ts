import { ulid } from "ulid";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { type ReadSide, startReadSide } from "../../local/read-side.js";
import { call, type Client, type E2eApi, newBook, startE2eApi, stockedBook } from "./local-api.js";
import { dynamoDbEndpoint } from "../support/servers.js";
import { freshQueues } from "../support/sqs.js";
import { SHIP_TO } from "../kit/ship-to.js";

/** How long a read model may take to show a write here; generous, the machine is shared. */
const VISIBLE_WITHIN = { timeout: 30_000, interval: 100 };

/**
 * A read with `minVersion`, repeated until the answer is not flagged stale: each try waits (bounded)
 * on the server, and a slow machine gets more tries rather than a failing test.
 */
const caughtUp = async (client: Client, path: string) => {
  let last: Awaited<ReturnType<Client["get"]>> | undefined;
  await expect.poll(async () => (last = await client.get(path)).headers.get("x-read-model-stale"), VISIBLE_WITHIN).toBeNull();
  if (last === undefined) throw new Error("never read");
  return last;
};

let api: E2eApi;
let readSide: ReadSide;
let admin: Client;
const searchIndex = `books-e2e-${ulid().toLowerCase()}`;
beforeAll(async () => {
  // npm start's runtime and poller, in process: fresh tables, a Redis key prefix and a search index of their own.
  api = await startE2eApi("e2e-read", {
    redisUrl: inject("redisUrl"),
    redisPrefix: `e2e-${ulid()}:`,
    openSearchUrl: inject("openSearchUrl"),
    searchIndex,
  });
  readSide = await startReadSide({ runtime: api.local.runtime, dynamoDbEndpoint: dynamoDbEndpoint(), queues: (await freshQueues("e2e-read")).queues, idleDelayMs: 50 });
  admin = await api.as("root", ["admin"]);
}, 60_000);
afterAll(async () => {
  await readSide?.stop();
  await api?.local.runtime.readModels.search.client.indices.delete({ index: `${searchIndex}-g*` });
  await api?.close();
});

describe("the read side over HTTP, with the stream poller running", () => {
  it("runs every projection of the registry, book search included", () => {
    expect(readSide.projections).toEqual(expect.arrayContaining(["cart-view", "inventory-view", "book-detail", "order-history", "bestsellers", "also-bought", "top-rated", "book-titles", "book-search"]));
  });

  it("a checkout shows in the cart, the stock, the order history, the bestsellers and the search", async () => {
    const word = `zq${ulid().toLowerCase()}`;
    const book = await stockedBook(admin, 10, { title: `The ${word} Affair`, priceCents: 1250 });
    const other = await stockedBook(admin, 4, { title: "An Unrelated Almanac", priceCents: 900 });
    const dana = await api.as(`dana-${ulid()}`);

    const added = await dana.post("/cart/items", { bookId: book, quantity: 3 });
    expect(added.status).toBe(200);
    const cart = await caughtUp(dana, `/cart?minVersion=${added.body.version}`);
    expect(cart.status).toBe(200);
    expect(cart.body).toEqual({
      lines: [{ bookId: book, title: `The ${word} Affair`, quantity: 3, unitPriceCents: 1250, lineTotalCents: 3750, currency: "EUR" }],
      totals: [{ currency: "EUR", totalCents: 3750 }],
      version: added.body.version,
    });
    expect((await dana.post("/cart/items", { bookId: other, quantity: 1 })).status).toBe(200);

    const placed = await dana.post("/checkout", { shippingAddress: SHIP_TO, paymentToken: "tok_visa" });
    expect(placed.status).toBe(201);
    const { orderId } = placed.body;

    // OrderPaid follows OrderPlaced: version 2 of the order stream.
    const order = await caughtUp(dana, `/orders/${orderId}?minVersion=2`);
    expect(order.status).toBe(200);
    expect(order.body).toMatchObject({ orderId, status: "paid", totalCents: 3 * 1250 + 900, currency: "EUR", version: 2 });
    expect(order.body.lines).toEqual(
      expect.arrayContaining([
        { bookId: book, title: `The ${word} Affair`, quantity: 3, unitPriceCents: 1250, lineTotalCents: 3750 },
        expect.objectContaining({ bookId: other, quantity: 1 }),
      ]),
    );

    await expect.poll(async () => (await dana.get("/cart")).body, VISIBLE_WITHIN).toMatchObject({ lines: [], totals: [] });
    // Received on the inventory stream (its first version); reserved and committed in the order's reservation stream.
    await expect
      .poll(async () => (await dana.get(`/inventory/${book}?minVersion=1`)).body, VISIBLE_WITHIN)
      .toEqual({ bookId: book, onHand: 7, reserved: 0, available: 7, version: 1 });

    const history = await dana.get("/orders");
    expect(history.status).toBe(200);
    expect(history.body.items).toEqual([{ orderId, status: "paid", totalCents: 4650, currency: "EUR", placedAt: expect.any(String) }]);

    await expect
      .poll(async () => (await dana.get("/bestsellers")).body.items, VISIBLE_WITHIN)
      .toEqual(expect.arrayContaining([{ bookId: book, title: `The ${word} Affair`, unitsSold: 3 }, { bookId: other, title: "An Unrelated Almanac", unitsSold: 1 }]));

    await expect
      .poll(async () => (await dana.get(`/books?q=${word}`)).body, VISIBLE_WITHIN)
      .toMatchObject({ total: 1, items: [{ bookId: book, available: 7, inStock: true, priceCents: 1250 }], facets: { category: { "science-fiction": 1 }, author: { "Ursula K. Le Guin": 1 } } });
    // A typo still finds it; the author facet filters; the title is suggested as it is typed.
    const typo = `${word.slice(0, -1)}`;
    expect((await dana.get(`/books?q=${typo}&author=${encodeURIComponent("Ursula K. Le Guin")}`)).body.items.map((b: { bookId: string }) => b.bookId)).toContain(book);
    expect((await dana.get(`/books?q=${word}&author=Nobody`)).body).toMatchObject({ total: 0, items: [], facets: { author: { "Ursula K. Le Guin": 1 } } });
    const suggested = await call(`${api.url}/books/suggest?q=${word.slice(0, 8)}`);
    expect(suggested.status).toBe(200);
    expect(suggested.headers.get("cache-control")).toBe("public, max-age=5, stale-while-revalidate=30");
    expect(suggested.body).toEqual({ items: [{ kind: "title", text: `The ${word} Affair`, bookId: book }] });
    expect((await call(`${api.url}/books/suggest`)).status).toBe(400);
    expect((await call(`${api.url}/books/suggest?q=${"x".repeat(101)}`)).status).toBe(400);

    // Another customer learns nothing of it; an admin may read it.
    const eve = await api.as(`eve-${ulid()}`);
    const peek = await eve.get(`/orders/${orderId}`);
    expect(peek.status).toBe(404);
    expect(peek.type).toBe("application/problem+json");
    expect((await eve.get("/orders")).body.items).toEqual([]);
    expect((await admin.get(`/orders/${orderId}`)).body).toMatchObject({ orderId, status: "paid" });

    // Operators see where each projection stands; customers may not look.
    const status = await admin.get("/projections/status");
    expect(status.status).toBe(200);
    const orders = (status.body.items as { projection: string; lastEvent?: { type: string }; deadLetters: number }[]).find(
      (s) => s.projection === "order-history",
    );
    expect(orders).toMatchObject({ deadLetters: 0, lastEvent: { type: expect.any(String) } });
    // The order process, which settled the order's stock from the stream, is there too.
    await vi.waitFor(async () => {
      const now = await admin.get("/projections/status");
      expect(now.body.items.find((s: { projection: string }) => s.projection === "order-process")).toMatchObject({ deadLetters: 0, lastEvent: { type: expect.any(String) } });
    }, VISIBLE_WITHIN);
    expect((await eve.get("/projections/status")).status).toBe(403);
  });

  it("a query asked for a version its read model has not reached answers what it has, flagged stale", async () => {
    const fay = await api.as(`fay-${ulid()}`);
    const book = await stockedBook(admin, 2);
    const added = await fay.post("/cart/items", { bookId: book, quantity: 1 });
    await caughtUp(fay, `/cart?minVersion=${added.body.version}`);
    const ahead = await fay.get(`/cart?minVersion=${added.body.version + 5}`);
    expect(ahead.status).toBe(200);
    expect(ahead.headers.get("x-read-model-stale")).toBe("true");
    expect(ahead.body.version).toBe(added.body.version);
    expect(ahead.body.lines).toEqual([expect.objectContaining({ bookId: book, quantity: 1 })]);
  });

  it("pages through the order history, newest first", async () => {
    const gus = await api.as(`gus-${ulid()}`);
    const book = await stockedBook(admin, 5);
    const orders: string[] = [];
    for (let i = 0; i < 3; i++) {
      await gus.post("/cart/items", { bookId: book, quantity: 1 });
      orders.push((await gus.post("/checkout", { shippingAddress: SHIP_TO, paymentToken: "tok_visa" })).body.orderId);
    }
    await expect.poll(async () => (await gus.get("/orders")).body.items.length, VISIBLE_WITHIN).toBe(3);
    const first = await gus.get("/orders?limit=2");
    expect(first.body.items.map((o: { orderId: string }) => o.orderId)).toEqual([orders[2], orders[1]]);
    const rest = await gus.get(`/orders?limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`);
    expect(rest.body.items.map((o: { orderId: string }) => o.orderId)).toEqual([orders[0]]);
  });

  it("stock of a book never received is zero; of no book at all, 404", async () => {
    const added = await admin.post("/books", newBook());
    // The catalogue is known to the query side once the book page has folded the book.
    await expect.poll(async () => (await admin.get(`/inventory/${added.body.bookId}`)).status, VISIBLE_WITHIN).toBe(200);
    expect((await admin.get(`/inventory/${added.body.bookId}`)).body).toEqual({ bookId: added.body.bookId, onHand: 0, reserved: 0, available: 0, version: 0 });
    expect((await admin.get(`/inventory/${ulid()}`)).status).toBe(404);
  });

  it("a search cursor the search did not give out is a 400 naming the cursor", async () => {
    const r = await admin.get("/books?cursor=bm90LWpzb24");
    expect(r.status).toBe(400);
    expect(r.body.errors).toEqual([expect.objectContaining({ parameter: "cursor" })]);
  });
});

describe("without search", () => {
  it("GET /books answers 503 problem+json; the other queries still answer", async () => {
    const bare = await startE2eApi("e2e-nosearch", { redisUrl: inject("redisUrl"), redisPrefix: `e2e-${ulid()}:` });
    try {
      const noSearch = await startReadSide({ runtime: bare.local.runtime, dynamoDbEndpoint: dynamoDbEndpoint(), queues: (await freshQueues("e2e-nosearch")).queues });
      await noSearch.stop();
      expect(noSearch.projections).not.toContain("book-search");
      const hal = await bare.as("hal");
      const r = await hal.get("/books?q=dune");
      expect(r.status).toBe(503);
      expect(r.type).toBe("application/problem+json");
      expect(r.body.detail).toBe("search is not running");
      expect((await hal.get("/cart")).body).toEqual({ lines: [], totals: [], version: 0 });
      expect((await hal.get("/bestsellers")).body).toEqual({ items: [], topRated: [] });
    } finally {
      await bare.close();
    }
  });
});
