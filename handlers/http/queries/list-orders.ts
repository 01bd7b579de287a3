import { listOrders } from "../../../projections/order-history.js";
import { NoPath } from "../codecs/common.js";
import { OrderHistory, OrdersQuery } from "../codecs/orders.js";
import { ok } from "../result.js";
import { type AnyRoute, callerOf, defineRoute } from "../route.js";
import type { QueryRuntime } from "../runtime.js";
import { orderSummary } from "./order-wire.js";

export const listOrdersRoute = (runtime: () => QueryRuntime): AnyRoute =>
  defineRoute({
    operationId: "listOrders",
    method: "GET",
    path: "/orders",
    auth: "customer",
    summary: "The caller's order history, newest first",
    tags: ["orders"],
    request: { path: NoPath, query: OrdersQuery },
    response: { status: 200, codec: OrderHistory },
    handler: async (input) => {
      const page = await listOrders(runtime().readModels.views, callerOf(input).sub, {
        limit: input.query.limit ?? 20,
        ...(input.query.cursor === undefined ? {} : { cursor: input.query.cursor }),
      });
      return ok({ items: page.orders.map(orderSummary), ...(page.cursor === undefined ? {} : { nextCursor: page.cursor }) });
    },
  });
