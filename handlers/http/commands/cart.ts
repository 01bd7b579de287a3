import { streams } from "../../../events/index.js";
import { AddCartItemBody, ChangeCartItemBody } from "../codecs/cart.js";
import { BookIdPath, CommandAccepted, NoPath, NoQuery } from "../codecs/common.js";
import { type AnyRoute, callerOf, defineRoute } from "../route.js";
import type { Runtime } from "../runtime.js";
import { sendForVersion } from "./send.js";

const tags = ["cart"];

/** The cart is the caller's own: its id is the token's `sub`, never anything the client sends. */
export const cartCommandRoutes = (runtime: () => Runtime): AnyRoute[] => [
  defineRoute({
    operationId: "addCartItem",
    method: "POST",
    path: "/cart/items",
    auth: "customer",
    summary: "Put a book in the cart (its price comes from the catalogue)",
    tags,
    request: { path: NoPath, query: NoQuery, body: AddCartItemBody },
    response: { status: 200, codec: CommandAccepted },
    problems: [404, 409, 422],
    handler: async (input) => {
      const customerId = callerOf(input).sub;
      return sendForVersion(runtime(), "addCartItem", input, { type: "AddCartItem", customerId, ...input.body }, streams.cart(customerId));
    },
  }),
  defineRoute({
    operationId: "changeCartItem",
    method: "PATCH",
    path: "/cart/items/{bookId}",
    auth: "customer",
    summary: "Change how many of a book the cart holds",
    tags,
    request: { path: BookIdPath, query: NoQuery, body: ChangeCartItemBody },
    response: { status: 200, codec: CommandAccepted },
    problems: [409, 422],
    handler: async (input) => {
      const customerId = callerOf(input).sub;
      const command = { type: "ChangeCartItemQuantity" as const, customerId, bookId: input.path.bookId, quantity: input.body.quantity };
      return sendForVersion(runtime(), "changeCartItem", input, command, streams.cart(customerId));
    },
  }),
  defineRoute({
    operationId: "removeCartItem",
    method: "DELETE",
    path: "/cart/items/{bookId}",
    auth: "customer",
    summary: "Take a book out of the cart",
    tags,
    request: { path: BookIdPath, query: NoQuery },
    response: { status: 200, codec: CommandAccepted },
    problems: [409],
    handler: async (input) => {
      const customerId = callerOf(input).sub;
      return sendForVersion(runtime(), "removeCartItem", input, { type: "RemoveCartItem", customerId, bookId: input.path.bookId }, streams.cart(customerId));
    },
  }),
];
