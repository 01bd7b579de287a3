import { streams } from "../../../events/index.js";
import { BookIdPath, CommandAccepted, NoQuery } from "../codecs/common.js";
import { ReceiveStockBody } from "../codecs/inventory.js";
import { type AnyRoute, defineRoute } from "../route.js";
import type { Runtime } from "../runtime.js";
import { sendForVersion } from "./send.js";

export const receiveStockRoute = (runtime: () => Runtime): AnyRoute =>
  defineRoute({
    operationId: "receiveStock",
    method: "POST",
    path: "/inventory/{bookId}/receipts",
    auth: "admin",
    summary: "Receive stock of a book",
    tags: ["inventory"],
    request: { path: BookIdPath, query: NoQuery, body: ReceiveStockBody },
    response: { status: 200, codec: CommandAccepted },
    problems: [409, 422],
    handler: async (input) => {
      const { bookId } = input.path;
      return sendForVersion(runtime(), "receiveStock", input, { type: "ReceiveStock", bookId, quantity: input.body.quantity }, streams.inventory(bookId));
    },
  });
