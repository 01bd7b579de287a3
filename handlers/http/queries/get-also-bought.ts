import { isLeft } from "fp-ts/lib/Either.js";
import { alsoBoughtWith } from "../../../projections/also-bought.js";
import { titlesOf } from "../../../projections/book-titles.js";
import { catalogueCache } from "../caching.js";
import { AlsoBought, MAX_ALSO_BOUGHT } from "../codecs/books.js";
import { BookIdPath, NoQuery } from "../codecs/common.js";
import { isRedisOutage } from "../read-models.js";
import { ok } from "../result.js";
import { type AnyRoute, defineRoute } from "../route.js";
import type { QueryRuntime } from "../runtime.js";
import { fromReadModel } from "./unavailable.js";

/**
 * "Customers who bought this also bought", and the books' titles, from Redis alone. A book the
 * read model does not know (never bought alongside another, or no book at all) has no items:
 * the answer is the same either way, so it is an empty list, not a 404.
 */
export const getAlsoBoughtRoute = (runtime: () => QueryRuntime): AnyRoute =>
  defineRoute({
    operationId: "getAlsoBought",
    method: "GET",
    path: "/books/{bookId}/also-bought",
    auth: "public",
    summary: "The 10 books bought most often in the same paid orders as this one (an unknown book: no items, not 404)",
    tags: ["catalogue"],
    request: { path: BookIdPath, query: NoQuery },
    response: { status: 200, codec: AlsoBought, cache: catalogueCache },
    problems: [503],
    handler: async ({ path }) => {
      const { redis } = runtime().readModels;
      const found = await fromReadModel("also-bought", isRedisOutage, async () => {
        const items = await alsoBoughtWith(redis, path.bookId, MAX_ALSO_BOUGHT);
        return { items, titles: await titlesOf(redis, items.map((b) => b.bookId)) };
      });
      if (isLeft(found)) return found.left;
      const { items, titles } = found.right;
      return ok({ bookId: path.bookId, items: items.map((b) => ({ ...b, title: titles.get(b.bookId) ?? "" })) });
    },
  });
