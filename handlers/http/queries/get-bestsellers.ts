import { Bestsellers } from "../codecs/books.js";
import { NoPath, NoQuery } from "../codecs/common.js";
import { type AnyRoute, defineRoute } from "../route.js";
import { notImplementedYet } from "./not-implemented.js";

export const getBestsellersRoute = (): AnyRoute =>
  defineRoute({
    operationId: "getBestsellers",
    method: "GET",
    path: "/bestsellers",
    auth: "public",
    summary: "The Top 20 books by units sold",
    tags: ["catalogue"],
    request: { path: NoPath, query: NoQuery },
    response: { status: 200, codec: Bestsellers },
    problems: [501],
    handler: notImplementedYet,
  });
