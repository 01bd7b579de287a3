import { CartView } from "../codecs/cart.js";
import { NoPath, NoQuery } from "../codecs/common.js";
import { type AnyRoute, defineRoute } from "../route.js";
import { notImplementedYet } from "./not-implemented.js";

export const getCartRoute = (): AnyRoute =>
  defineRoute({
    operationId: "getCart",
    method: "GET",
    path: "/cart",
    auth: "customer",
    summary: "The caller's cart, with line and total prices",
    tags: ["cart"],
    request: { path: NoPath, query: NoQuery },
    response: { status: 200, codec: CartView },
    problems: [501],
    handler: notImplementedYet,
  });
