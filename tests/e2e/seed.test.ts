import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { normalizeIsbn13 } from "../../domain/validation.js";
import { seedCatalogue } from "../../local/seed/catalogue.js";
import { seed } from "../../local/seed/seed.js";
import { bookPage, type Client, type E2eApi, eventTypes, startE2eApi } from "./local-api.js";

let api: E2eApi;
let admin: Client;
beforeAll(async () => {
  api = await startE2eApi("e2e-seed", {}, "dynamodb", { readSide: ["book-detail"] });
  admin = await api.as("root", ["admin"]);
});
afterAll(() => api.close());

describe("the sample catalogue", () => {
  it("has at least 200 books, each with a valid ISBN-13, a unique id, authors and stock", () => {
    const books = seedCatalogue();
    expect(books.length).toBeGreaterThanOrEqual(200);
    for (const b of books) {
      expect(normalizeIsbn13(b.isbn), b.title).toBe(b.isbn);
      expect(b.authors.length).toBeGreaterThan(0);
      expect(b.stock).toBeGreaterThan(0);
    }
    expect(new Set(books.map((b) => b.bookId)).size).toBe(books.length);
    expect(new Set(books.map((b) => b.isbn)).size).toBe(books.length);
  });

  it("seeding twice adds nothing the second time, and the books are for sale over HTTP", async () => {
    const some = seedCatalogue().slice(0, 12);
    expect(await seed(api.local.runtime, some)).toEqual({ books: 12, added: 12 });
    expect(await seed(api.local.runtime, some)).toEqual({ books: 12, added: 0 });
    const first = some[0]!;
    expect(await eventTypes(admin, `book#${first.bookId}`)).toEqual(["BookAdded"]);
    expect(await eventTypes(admin, `inventory#${first.bookId}`)).toEqual(["StockReceived"]);
    // The detail view shows the book before its stock arrives; wait for the stock.
    const book = await bookPage(admin, first.bookId, (b) => b.available === first.stock);
    expect(book.body).toMatchObject({ title: first.title, isbn: first.isbn, available: first.stock });
  });
});
