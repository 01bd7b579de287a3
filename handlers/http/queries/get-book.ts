import type * as t from "io-ts";
import { getBookDetail } from "../../../projections/book-detail.js";
import { BookView } from "../codecs/books.js";
import { BookIdPath, MinVersionQuery } from "../codecs/common.js";
import { problem } from "../problem.js";
import { ok } from "../result.js";
import { type AnyRoute, defineRoute } from "../route.js";
import type { QueryRuntime } from "../runtime.js";
import { readAtLeast, staleHeaders, staleResponseHeaders } from "./read-your-writes.js";
import { catalogueCache } from "../caching.js";

/**
 * One book with its available stock, from the book page read model: one request to the views
 * table, whatever the book's history. `minVersion` is the book version a book command answered.
 */
export const getBookRoute = (runtime: () => QueryRuntime): AnyRoute =>
  defineRoute({
    operationId: "getBook",
    method: "GET",
    path: "/books/{bookId}",
    auth: "public",
    summary: "One book, with its available stock (minVersion: the book version a command answered)",
    tags: ["catalogue"],
    request: { path: BookIdPath, query: MinVersionQuery },
    // The validator is the book's version (what `If-Match` on the admin writes takes), then its stock.
    response: { status: 200, codec: BookView, headers: staleResponseHeaders, cache: { ...catalogueCache, validator: (b: t.TypeOf<typeof BookView>) => `${b.version}.${b.available ?? 0}` } },
    handler: async ({ path, query }) => {
      const { readModels } = runtime();
      const { value: page, stale } = await readAtLeast(() => getBookDetail(readModels.views, path.bookId), (p) => p?.version ?? 0, query.minVersion);
      if (page === undefined) return { ...problem(404, "No such resource."), ...(stale ? { headers: staleHeaders(stale) } : {}) };
      const { bookId, title, authors, isbn, category, description, priceCents, currency, discontinued, version } = page;
      return ok(
        { bookId, title, authors: [...authors], isbn, category, description, priceCents, currency, discontinued, version, available: Math.max(0, page.available) },
        staleHeaders(stale),
      );
    },
  });
