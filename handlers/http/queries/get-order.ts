import { getOrder } from "../../../projections/order-history.js";
import { OrderIdPath, OrderQuery, OrderView } from "../codecs/orders.js";
import { problem } from "../problem.js";
import { ok } from "../result.js";
import { type AnyRoute, callerOf, defineRoute } from "../route.js";
import type { QueryRuntime } from "../runtime.js";
import { orderDetails } from "./order-wire.js";
import { readAtLeast, staleHeaders, staleResponseHeaders } from "./read-your-writes.js";

export const getOrderRoute = (runtime: () => QueryRuntime): AnyRoute =>
  defineRoute({
    operationId: "getOrder",
    method: "GET",
    path: "/orders/{orderId}",
    auth: "customer",
    summary: "One of the caller's orders (another's answers 404; an admin reads any) (minVersion: the order version a command answered)",
    tags: ["orders"],
    request: { path: OrderIdPath, query: OrderQuery },
    response: { status: 200, codec: OrderView, headers: staleResponseHeaders },
    handler: async (input) => {
      const caller = callerOf(input);
      const { views } = runtime().readModels;
      const { value: order, stale } = await readAtLeast(() => getOrder(views, input.path.orderId), (o) => o?.version ?? 0, input.query.minVersion);
      // Another customer's order is answered exactly like a missing one: its existence is not theirs to learn.
      if (order === undefined || (order.customerId !== caller.sub && !caller.groups.includes("admin"))) {
        return { ...problem(404, "No such resource."), ...(stale ? { headers: staleHeaders(stale) } : {}) };
      }
      return ok(orderDetails(order), staleHeaders(stale));
    },
  });
