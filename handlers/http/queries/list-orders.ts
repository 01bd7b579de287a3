import { NoPath } from "../codecs/common.js";
import { OrderHistory, OrdersQuery } from "../codecs/orders.js";
import { type AnyRoute, defineRoute } from "../route.js";
import { notImplementedYet } from "./not-implemented.js";

export const listOrdersRoute = (): AnyRoute =>
  defineRoute({
    operationId: "listOrders",
    method: "GET",
    path: "/orders",
    auth: "customer",
    summary: "The caller's order history, newest first",
    tags: ["orders"],
    request: { path: NoPath, query: OrdersQuery },
    response: { status: 200, codec: OrderHistory },
    problems: [501],
    handler: notImplementedYet,
  });
