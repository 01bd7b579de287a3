import { isLeft } from "fp-ts/lib/Either.js";
import { topBestsellers } from "../../../projections/bestsellers.js";
import { topRatedBooks } from "../../../projections/top-rated.js";
import { aggregates } from "../../commands/aggregates.js";
import { load } from "../../commands/load.js";
import { Bestsellers, MAX_BESTSELLERS } from "../codecs/books.js";
import { NoPath, NoQuery } from "../codecs/common.js";
import { isRedisOutage } from "../read-models.js";
import { ok } from "../result.js";
import { type AnyRoute, defineRoute } from "../route.js";
import type { Runtime } from "../runtime.js";
import { fromReadModel } from "./unavailable.js";

const TOP = MAX_BESTSELLERS;

/** The rankings hold ids only; titles come from the books' own streams (a renamed book shows its new title). */
const titleOf = async (runtime: Runtime, bookId: string): Promise<string> => {
  const book = await load(runtime.deps, aggregates.book, bookId);
  return isLeft(book) ? "" : (book.right.state?.title ?? "");
};

export const getBestsellersRoute = (runtime: () => Runtime): AnyRoute =>
  defineRoute({
    operationId: "getBestsellers",
    method: "GET",
    path: "/bestsellers",
    auth: "public",
    summary: "The Top 20 books by units sold, and the Top 20 by average stars",
    tags: ["catalogue"],
    request: { path: NoPath, query: NoQuery },
    response: { status: 200, codec: Bestsellers },
    problems: [503],
    handler: async () => {
      const rt = runtime();
      const ranked = await fromReadModel("bestsellers", isRedisOutage, () => {
        const { redis } = rt.readModels;
        return Promise.all([topBestsellers(redis, TOP), topRatedBooks(redis, TOP)]);
      });
      if (isLeft(ranked)) return ranked.left;
      const [sold, rated] = ranked.right;
      const ids = [...new Set([...sold, ...rated].map((b) => b.bookId))];
      const titles = new Map(await Promise.all(ids.map(async (id) => [id, await titleOf(rt, id)] as const)));
      return ok({
        items: sold.map((b) => ({ ...b, title: titles.get(b.bookId) ?? "" })),
        topRated: rated.map((b) => ({ ...b, title: titles.get(b.bookId) ?? "" })),
      });
    },
  });
