import { errors } from "@opensearch-project/opensearch";
import { type Either, isLeft, left, right } from "fp-ts/lib/Either.js";
import { type BookQuery, type BookResults, InvalidCursor, searchBooks } from "../../../projections/search-books.js";
import { BookPage, SearchBooksQuery } from "../codecs/books.js";
import { NoPath } from "../codecs/common.js";
import { validationProblem } from "../problem.js";
import { isSearchOutage } from "../read-models.js";
import { type Failure, ok } from "../result.js";
import { type AnyRoute, defineRoute } from "../route.js";
import type { QueryRuntime } from "../runtime.js";
import { fromReadModel } from "./unavailable.js";
import { catalogueCache } from "../caching.js";

type Query = typeof SearchBooksQuery._A;

const toBookQuery = (q: Query): BookQuery => ({
  ...(q.q === undefined ? {} : { q: q.q }),
  ...(q.category === undefined ? {} : { category: q.category }),
  ...(q.author === undefined ? {} : { author: q.author }),
  ...(q.minPrice === undefined ? {} : { minPriceCents: q.minPrice }),
  ...(q.maxPrice === undefined ? {} : { maxPriceCents: q.maxPrice }),
  ...(q.inStock === undefined ? {} : { inStock: q.inStock === "true" }),
  ...(q.sort === undefined ? {} : { sort: q.sort === "price-asc" ? "price" : q.sort }),
  ...(q.limit === undefined ? {} : { limit: q.limit }),
  ...(q.cursor === undefined ? {} : { cursor: q.cursor }),
});

const badCursor = validationProblem([{ in: "query", parameter: "cursor", detail: "not a cursor this search gave out" }]);

/** A dead or hung node fails the search within about 3 s (two tries of 1.5 s), never the 30 s API Gateway allows. */
const limits = { timeoutMs: 1500, maxRetries: 1 };

const find = async (runtime: QueryRuntime, query: Query): Promise<Either<Failure, BookResults>> => {
  const found = await fromReadModel("search", isSearchOutage, async () => {
    try {
      return right(await searchBooks(runtime.readModels, toBookQuery(query), limits));
    } catch (e) {
      if (e instanceof InvalidCursor) return left(badCursor);
      // A well-formed cursor whose values do not fit the sort: OpenSearch refuses it.
      if (query.cursor !== undefined && e instanceof errors.ResponseError && e.statusCode === 400) return left(badCursor);
      throw e;
    }
  });
  return isLeft(found) ? found : found.right;
};

export const searchBooksRoute = (runtime: () => QueryRuntime): AnyRoute =>
  defineRoute({
    operationId: "searchBooks",
    method: "GET",
    path: "/books",
    auth: "public",
    summary: "Search the catalogue: full text, filters, sort, facets, cursor pages",
    tags: ["catalogue"],
    request: { path: NoPath, query: SearchBooksQuery },
    response: { status: 200, codec: BookPage, cache: catalogueCache },
    problems: [503],
    handler: async ({ query }) => {
      const found = await find(runtime(), query);
      if (isLeft(found)) return found.left;
      const { books, total, categories, authors: byAuthor, nextCursor } = found.right;
      return ok({
        items: books.map(({ bookId, title, authors, isbn, category, description, priceCents, currency, available, inStock, score }) => ({
          bookId,
          title,
          authors: [...authors],
          isbn,
          category,
          description,
          priceCents,
          currency,
          available,
          inStock,
          score,
        })),
        total,
        facets: { category: Object.fromEntries(categories.map((c) => [c.category, c.count])), author: Object.fromEntries(byAuthor.map((a) => [a.author, a.count])) },
        ...(nextCursor === undefined ? {} : { nextCursor }),
      });
    },
  });
