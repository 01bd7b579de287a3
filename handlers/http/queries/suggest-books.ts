import { isLeft } from "fp-ts/lib/Either.js";
import { suggestBooks } from "../../../projections/search-books.js";
import { catalogueCache } from "../caching.js";
import { SuggestQuery, Suggestions } from "../codecs/books.js";
import { NoPath } from "../codecs/common.js";
import { isSearchOutage } from "../read-models.js";
import { ok } from "../result.js";
import { type AnyRoute, defineRoute } from "../route.js";
import type { QueryRuntime } from "../runtime.js";
import { fromReadModel } from "./unavailable.js";

/** A keystroke must not wait on a slow node: one short try, then 503. */
const limits = { timeoutMs: 1000, maxRetries: 0 };

export const suggestBooksRoute = (runtime: () => QueryRuntime): AnyRoute =>
  defineRoute({
    operationId: "suggestBooks",
    method: "GET",
    path: "/books/suggest",
    auth: "public",
    summary: "Search as you type: titles and authors a word of which begins with q (at most 10, authors first)",
    tags: ["catalogue"],
    request: { path: NoPath, query: SuggestQuery },
    response: { status: 200, codec: Suggestions, cache: catalogueCache },
    problems: [503],
    handler: async ({ query }) => {
      const found = await fromReadModel("search", isSearchOutage, () => suggestBooks(runtime().readModels, query.q, limits));
      return isLeft(found) ? found.left : ok({ items: found.right });
    },
  });
