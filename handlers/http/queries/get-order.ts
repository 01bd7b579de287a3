import { NoQuery } from "../codecs/common.js";
import { OrderIdPath, OrderView } from "../codecs/orders.js";
import { type AnyRoute, defineRoute } from "../route.js";
import { notImplementedYet } from "./not-implemented.js";

export const getOrderRoute = (): AnyRoute =>
  defineRoute({
    operationId: "getOrder",
    method: "GET",
    path: "/orders/{orderId}",
    auth: "customer",
    summary: "One of the caller's orders (another's answers 404)",
    tags: ["orders"],
    request: { path: OrderIdPath, query: NoQuery },
    response: { status: 200, codec: OrderView },
    problems: [501],
    handler: notImplementedYet,
  });
