import { streams } from "../../../events/index.js";
import { CommandAccepted, NoQuery } from "../codecs/common.js";
import { OrderIdPath } from "../codecs/orders.js";
import { ok } from "../result.js";
import { type AnyRoute, defineRoute } from "../route.js";
import type { Runtime } from "../runtime.js";
import { callerOf, send, versionOf } from "./send.js";

/** A customer may cancel only their own orders (another's answers 404, as if it did not exist); an admin any. */
export const cancelOrderRoute = (runtime: () => Runtime): AnyRoute =>
  defineRoute({
    operationId: "cancelOrder",
    method: "POST",
    path: "/orders/{orderId}/cancel",
    auth: "customer",
    summary: "Cancel an order before it ships, releasing its stock",
    tags: ["orders"],
    request: { path: OrderIdPath, query: NoQuery },
    response: { status: 200, codec: CommandAccepted },
    problems: [409, 422],
    handler: async (input) => {
      const claims = callerOf(input);
      const { orderId } = input.path;
      const actor = claims.groups.includes("admin")
        ? { role: "admin" as const, adminId: claims.sub }
        : { role: "customer" as const, customerId: claims.sub };
      const sent = await send(runtime(), "cancelOrder", input, { type: "CancelOrder", orderId, actor });
      return sent.ok ? ok({ version: versionOf(sent.outcome, streams.order(orderId)) }) : sent.failure;
    },
  });
