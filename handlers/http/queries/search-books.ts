import { errors } from "@opensearch-project/opensearch";
import { InvalidCursor, searchBooks, type BookQuery } from "../../../projections/search-books.js";
import { BookPage, SearchBooksQuery } from "../codecs/books.js";
import { NoPath } from "../codecs/common.js";
import { problem, validationProblem } from "../problem.js";
import { ok } from "../result.js";
import { type AnyRoute, defineRoute } from "../route.js";
import { SearchNotRunning } from "../read-models.js";
import type { Runtime } from "../runtime.js";

type Query = typeof SearchBooksQuery._A;

const toBookQuery = (q: Query): BookQuery => ({
  ...(q.q === undefined ? {} : { q: q.q }),
  ...(q.category === undefined ? {} : { category: q.category }),
  ...(q.minPrice === undefined ? {} : { minPriceCents: q.minPrice }),
  ...(q.maxPrice === undefined ? {} : { maxPriceCents: q.maxPrice }),
  ...(q.inStock === undefined ? {} : { inStock: q.inStock === "true" }),
  ...(q.sort === undefined ? {} : { sort: q.sort === "price-asc" ? "price" : q.sort }),
  ...(q.limit === undefined ? {} : { limit: q.limit }),
  ...(q.cursor === undefined ? {} : { cursor: q.cursor }),
});

const badCursor = validationProblem([{ in: "query", parameter: "cursor", detail: "not a cursor this search gave out" }]);

export const searchBooksRoute = (runtime: () => Runtime): AnyRoute =>
  defineRoute({
    operationId: "searchBooks",
    method: "GET",
    path: "/books",
    auth: "public",
    summary: "Search the catalogue: full text, filters, sort, facets, cursor pages",
    tags: ["catalogue"],
    request: { path: NoPath, query: SearchBooksQuery },
    response: { status: 200, codec: BookPage },
    problems: [503],
    handler: async ({ query }) => {
      try {
        const found = await searchBooks(runtime().readModels, toBookQuery(query));
        return ok({
          items: found.books.map(({ bookId, title, authors, isbn, category, description, priceCents, currency, available, inStock, score }) => ({
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
          total: found.total,
          facets: { category: Object.fromEntries(found.categories.map((c) => [c.category, c.count])) },
          ...(found.nextCursor === undefined ? {} : { nextCursor: found.nextCursor }),
        });
      } catch (e) {
        if (e instanceof SearchNotRunning) return problem(503, "search is not running");
        if (e instanceof InvalidCursor) return badCursor;
        // A well-formed cursor whose values do not fit the sort: OpenSearch refuses it.
        if (query.cursor !== undefined && e instanceof errors.ResponseError && e.statusCode === 400) return badCursor;
        throw e;
      }
    },
  });
