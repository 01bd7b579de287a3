import { streams } from "../../../events/index.js";
import { BookIdPath, CommandAccepted, NoQuery } from "../codecs/common.js";
import { RateBookBody } from "../codecs/ratings.js";
import { type AnyRoute, callerOf, defineRoute } from "../route.js";
import type { Runtime } from "../runtime.js";
import { sendForVersion } from "./send.js";

export const rateBookRoute = (runtime: () => Runtime): AnyRoute =>
  defineRoute({
    operationId: "rateBook",
    method: "POST",
    path: "/books/{bookId}/ratings",
    auth: "customer",
    summary: "Rate a book 1 to 5 stars (a new rating replaces the caller's earlier one)",
    tags: ["catalogue"],
    request: { path: BookIdPath, query: NoQuery, body: RateBookBody },
    response: { status: 200, codec: CommandAccepted },
    problems: [409, 422],
    handler: async (input) => {
      const customerId = callerOf(input).sub;
      const { bookId } = input.path;
      return sendForVersion(runtime(), "rateBook", input, { type: "RateBook", bookId, customerId, stars: input.body.stars }, streams.rating(bookId, customerId));
    },
  });
