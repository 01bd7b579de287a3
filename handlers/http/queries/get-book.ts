import { isLeft } from "fp-ts/lib/Either.js";
import { available } from "../../../domain/inventory.js";
import { aggregates } from "../../commands/aggregates.js";
import { load } from "../../commands/load.js";
import { readStockLevels } from "../../commands/stock.js";
import { BookView } from "../codecs/books.js";
import { BookIdPath, NoQuery } from "../codecs/common.js";
import { problem } from "../problem.js";
import { ok } from "../result.js";
import { type AnyRoute, defineRoute } from "../route.js";
import type { Runtime } from "../runtime.js";

/**
 * One book, folded from its own stream, with its stock from the book's stock counter (one item,
 * the sum of every stock event of the book). Always current; the book read model may take this
 * route over later.
 */
export const getBookRoute = (runtime: () => Runtime): AnyRoute =>
  defineRoute({
    operationId: "getBook",
    method: "GET",
    path: "/books/{bookId}",
    auth: "public",
    summary: "One book, with its available stock",
    tags: ["catalogue"],
    request: { path: BookIdPath, query: NoQuery },
    response: { status: 200, codec: BookView },
    handler: async ({ path }) => {
      const { deps } = runtime();
      const [book, stock] = await Promise.all([load(deps, aggregates.book, path.bookId), readStockLevels(deps, path.bookId)]);
      for (const loaded of [book, stock]) {
        if (isLeft(loaded)) throw new Error(`stored item ${loaded.left.pk}/${String(loaded.left.sk)} does not decode: ${loaded.left.reason}`);
      }
      if (isLeft(book) || isLeft(stock) || book.right.state === null) return problem(404, "No such resource.");
      const { bookId, title, authors, isbn, category, description, priceCents, currency, discontinued } = book.right.state;
      return ok({
        bookId,
        title,
        authors,
        isbn,
        category,
        description,
        priceCents,
        currency,
        discontinued,
        version: book.right.version,
        available: Math.max(0, available(stock.right)),
      });
    },
  });
