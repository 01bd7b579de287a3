import { BookIdPath, NoQuery } from "../codecs/common.js";
import { InventoryView } from "../codecs/inventory.js";
import { type AnyRoute, defineRoute } from "../route.js";
import { notImplementedYet } from "./not-implemented.js";

export const getInventoryRoute = (): AnyRoute =>
  defineRoute({
    operationId: "getInventory",
    method: "GET",
    path: "/inventory/{bookId}",
    auth: "public",
    summary: "Stock of a book: on hand, reserved, available",
    tags: ["inventory"],
    request: { path: BookIdPath, query: NoQuery },
    response: { status: 200, codec: InventoryView },
    problems: [501],
    handler: notImplementedYet,
  });
