import { streams } from "../../../events/index.js";
import { AddBookBody, BookAddedResponse, ChangeBookDetailsBody, ChangePriceBody } from "../codecs/books.js";
import { BookIdPath, CommandAccepted, NoPath, NoQuery } from "../codecs/common.js";
import { created } from "../result.js";
import { type AnyRoute, defineRoute } from "../route.js";
import type { Runtime } from "../runtime.js";
import { send, sendForVersion, versionOf } from "./send.js";

const tags = ["catalogue"];
const book = { path: BookIdPath, query: NoQuery };

export const bookCommandRoutes = (runtime: () => Runtime): AnyRoute[] => [
  defineRoute({
    operationId: "addBook",
    method: "POST",
    path: "/books",
    auth: "admin",
    summary: "Add a book to the catalogue",
    tags,
    request: { path: NoPath, query: NoQuery, body: AddBookBody },
    response: { status: 201, codec: BookAddedResponse },
    problems: [409, 422],
    handler: async (input) => {
      const bookId = runtime().newId();
      const sent = await send(runtime(), "addBook", input, { type: "AddBook", bookId, ...input.body });
      if (!sent.ok) return sent.failure;
      // A repeated key answers with the book the first request made.
      const first = (sent.outcome.result as { streamId?: string }).streamId ?? streams.book(bookId);
      const id = first.slice(first.indexOf("#") + 1);
      return created({ bookId: id, version: versionOf(sent.outcome, first) });
    },
  }),
  defineRoute({
    operationId: "changeBookDetails",
    conditional: true,
    method: "PATCH",
    path: "/books/{bookId}",
    auth: "admin",
    summary: "Change a book's title, authors, category or description",
    tags,
    request: { ...book, body: ChangeBookDetailsBody },
    response: { status: 200, codec: CommandAccepted },
    problems: [409, 412],
    handler: async (input) => {
      const { bookId } = input.path;
      return sendForVersion(runtime(), "changeBookDetails", input, { type: "ChangeBookDetails", bookId, ...input.body }, streams.book(bookId), { etag: true });
    },
  }),
  defineRoute({
    operationId: "changeBookPrice",
    conditional: true,
    method: "PUT",
    path: "/books/{bookId}/price",
    auth: "admin",
    summary: "Set a book's price",
    tags,
    request: { ...book, body: ChangePriceBody },
    response: { status: 200, codec: CommandAccepted },
    problems: [409, 412],
    handler: async (input) => {
      const { bookId } = input.path;
      return sendForVersion(runtime(), "changeBookPrice", input, { type: "ChangeBookPrice", bookId, ...input.body }, streams.book(bookId), { etag: true });
    },
  }),
  defineRoute({
    operationId: "discontinueBook",
    conditional: true,
    method: "POST",
    path: "/books/{bookId}/discontinue",
    auth: "admin",
    summary: "Withdraw a book from sale",
    tags,
    request: book,
    response: { status: 200, codec: CommandAccepted },
    problems: [409, 412, 422],
    handler: async (input) => {
      const { bookId } = input.path;
      return sendForVersion(runtime(), "discontinueBook", input, { type: "DiscontinueBook", bookId }, streams.book(bookId), { etag: true });
    },
  }),
];
