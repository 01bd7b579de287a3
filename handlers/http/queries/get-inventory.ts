import { getBookDetail } from "../../../projections/book-detail.js";
import { getInventory } from "../../../projections/inventory-view.js";
import { BookIdPath, MinVersionQuery } from "../codecs/common.js";
import { InventoryView } from "../codecs/inventory.js";
import { problem } from "../problem.js";
import { ok } from "../result.js";
import { type AnyRoute, defineRoute } from "../route.js";
import type { QueryRuntime } from "../runtime.js";
import { readAtLeast, staleHeaders, staleResponseHeaders } from "./read-your-writes.js";
import { stockCache } from "../caching.js";

export const getInventoryRoute = (runtime: () => QueryRuntime): AnyRoute =>
  defineRoute({
    operationId: "getInventory",
    method: "GET",
    path: "/inventory/{bookId}",
    auth: "public",
    summary: "Stock of a book: on hand, reserved, available (minVersion: the inventory version a command answered)",
    tags: ["inventory"],
    request: { path: BookIdPath, query: MinVersionQuery },
    response: { status: 200, codec: InventoryView, headers: staleResponseHeaders, cache: stockCache },
    handler: async ({ path, query }) => {
      const { readModels } = runtime();
      const { value: stock, stale } = await readAtLeast(() => getInventory(readModels.views, path.bookId), (v) => v.version, query.minVersion);
      // Never stocked: zeros for a book of the catalogue, 404 for an id that names no book.
      if (stock.version === 0 && (await getBookDetail(readModels.views, path.bookId)) === undefined) {
        return { ...problem(404, "No such resource."), ...(stale ? { headers: staleHeaders(stale) } : {}) };
      }
      const { bookId, onHand, reserved, version } = stock;
      return ok({ bookId, onHand, reserved, available: Math.max(0, stock.available), version }, staleHeaders(stale));
    },
  });
