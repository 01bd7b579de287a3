import { streams } from "../../../events/index.js";
import { BookIdPath, CommandAccepted, NoQuery } from "../codecs/common.js";
import { ReceiveStockBody } from "../codecs/inventory.js";
import { ok } from "../result.js";
import { type AnyRoute, defineRoute } from "../route.js";
import type { Runtime } from "../runtime.js";
import { send, versionOf } from "./send.js";

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
      const sent = await send(runtime(), "receiveStock", input, { type: "ReceiveStock", bookId, quantity: input.body.quantity });
      return sent.ok ? ok({ version: versionOf(sent.outcome, streams.inventory(bookId)) }) : sent.failure;
    },
  });
