import { ulid } from "ulid";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { call, type Client, type E2eApi, startE2eApi, stockedBook, VISIBLE_WITHIN } from "./local-api.js";
import { SHIP_TO } from "../kit/ship-to.js";

/** "Customers who bought this also bought" over HTTP, the also-bought projection following the stream. */

let api: E2eApi;
let admin: Client;
beforeAll(async () => {
  api = await startE2eApi("e2e-also-bought", { redisUrl: inject("redisUrl"), redisPrefix: `e2e-${ulid()}:` }, "dynamodb", {
    readSide: ["also-bought", "book-titles"],
  });
  admin = await api.as("root", ["admin"]);
}, 60_000);
afterAll(() => api?.close());

/** A customer buys these books in one paid order. */
const buys = async (...books: string[]) => {
  const customer = await api.as(`buyer-${ulid()}`);
  for (const bookId of books) expect((await customer.post("/cart/items", { bookId, quantity: 2 })).status).toBe(200);
  expect((await customer.post("/checkout", { shippingAddress: SHIP_TO, paymentToken: "tok_visa" })).status).toBe(201);
};

describe("GET /books/{bookId}/also-bought", () => {
  it("lists the books bought alongside, with titles and counts, cacheable by anyone", async () => {
    const dune = await stockedBook(admin, 10, { title: "Dune" });
    const messiah = await stockedBook(admin, 10, { title: "Dune Messiah" });
    const children = await stockedBook(admin, 10, { title: "Children of Dune" });
    await buys(dune, messiah);
    await buys(dune, messiah, children);

    await expect
      .poll(async () => (await call(`${api.url}/books/${dune}/also-bought`)).body, VISIBLE_WITHIN)
      .toEqual({
        bookId: dune,
        items: [
          { bookId: messiah, title: "Dune Messiah", count: 2 },
          { bookId: children, title: "Children of Dune", count: 1 },
        ],
      });
    // Equal counts come by book id.
    const [first, second] = [dune, messiah].sort();
    const answer = await call(`${api.url}/books/${children}/also-bought`);
    expect(answer.status).toBe(200);
    expect(answer.body.items.map((i: { bookId: string; count: number }) => [i.bookId, i.count])).toEqual([
      [first, 1],
      [second, 1],
    ]);
    expect(answer.headers.get("cache-control")).toBe("public, max-age=5, stale-while-revalidate=30");
    expect((await call(`${api.url}/books/${children}/also-bought`, { headers: { "if-none-match": answer.headers.get("etag")! } })).status).toBe(304);
  });

  it("answers an empty list for a book never bought alongside another, not 404", async () => {
    const alone = await stockedBook(admin, 5, { title: "A Book Read Alone" });
    await buys(alone);
    for (const bookId of [alone, ulid()]) {
      const answer = await call(`${api.url}/books/${bookId}/also-bought`);
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ bookId, items: [] });
    }
  });
});
