import { BookPage, SearchBooksQuery } from "../codecs/books.js";
import { NoPath } from "../codecs/common.js";
import { type AnyRoute, defineRoute } from "../route.js";
import { notImplementedYet } from "./not-implemented.js";

export const searchBooksRoute = (): AnyRoute =>
  defineRoute({
    operationId: "searchBooks",
    method: "GET",
    path: "/books",
    auth: "public",
    summary: "Search the catalogue: full text, filters, sort, facets, cursor pages",
    tags: ["catalogue"],
    request: { path: NoPath, query: SearchBooksQuery },
    response: { status: 200, codec: BookPage },
    problems: [501],
    handler: notImplementedYet,
  });
