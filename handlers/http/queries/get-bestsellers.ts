import { isLeft } from "fp-ts/lib/Either.js";
import { topBestsellers } from "../../../projections/bestsellers.js";
import { titlesOf } from "../../../projections/book-titles.js";
import { topRatedBooks } from "../../../projections/top-rated.js";
import { Bestsellers, MAX_BESTSELLERS } from "../codecs/books.js";
import { NoPath, NoQuery } from "../codecs/common.js";
import { isRedisOutage } from "../read-models.js";
import { ok } from "../result.js";
import { type AnyRoute, defineRoute } from "../route.js";
import type { QueryRuntime } from "../runtime.js";
import { fromReadModel } from "./unavailable.js";
import { catalogueCache } from "../caching.js";

const TOP = MAX_BESTSELLERS;

/** Both rankings and their books' titles, from Redis alone (the titles projection follows renames). */
export const getBestsellersRoute = (runtime: () => QueryRuntime): AnyRoute =>
  defineRoute({
    operationId: "getBestsellers",
    method: "GET",
    path: "/bestsellers",
    auth: "public",
    summary: "The Top 20 books by units sold, and the Top 20 by average stars",
    tags: ["catalogue"],
    request: { path: NoPath, query: NoQuery },
    response: { status: 200, codec: Bestsellers, cache: catalogueCache },
    problems: [503],
    handler: async () => {
      const { redis } = runtime().readModels;
      const ranked = await fromReadModel("bestsellers", isRedisOutage, async () => {
        const [sold, rated] = await Promise.all([topBestsellers(redis, TOP), topRatedBooks(redis, TOP)]);
        const titles = await titlesOf(redis, [...new Set([...sold, ...rated].map((b) => b.bookId))]);
        return { sold, rated, titles };
      });
      if (isLeft(ranked)) return ranked.left;
      const { sold, rated, titles } = ranked.right;
      return ok({
        items: sold.map((b) => ({ ...b, title: titles.get(b.bookId) ?? "" })),
        topRated: rated.map((b) => ({ ...b, title: titles.get(b.bookId) ?? "" })),
      });
    },
  });
