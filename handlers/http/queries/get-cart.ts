import { getCart } from "../../../projections/cart-view.js";
import { CartView } from "../codecs/cart.js";
import { MinVersionQuery, NoPath } from "../codecs/common.js";
import { ok } from "../result.js";
import { type AnyRoute, callerOf, defineRoute } from "../route.js";
import type { QueryRuntime } from "../runtime.js";
import { readAtLeast, staleHeaders, staleResponseHeaders } from "./read-your-writes.js";

export const getCartRoute = (runtime: () => QueryRuntime): AnyRoute =>
  defineRoute({
    operationId: "getCart",
    method: "GET",
    path: "/cart",
    auth: "customer",
    summary: "The caller's cart, with line and total prices (minVersion: the cart version a command answered)",
    tags: ["cart"],
    request: { path: NoPath, query: MinVersionQuery },
    response: { status: 200, codec: CartView, headers: staleResponseHeaders },
    handler: async (input) => {
      const { views } = runtime().readModels;
      const customerId = callerOf(input).sub;
      const { value: cart, stale } = await readAtLeast(() => getCart(views, customerId), (c) => c.version, input.query.minVersion);
      return ok(
        {
          lines: cart.lines.map(({ bookId, title, quantity, unitPriceCents, lineTotalCents, currency }) => ({
            bookId,
            title,
            quantity,
            unitPriceCents,
            lineTotalCents,
            currency,
          })),
          totals: cart.currency === undefined ? [] : [{ currency: cart.currency, totalCents: cart.totalCents }],
          version: cart.version,
        },
        staleHeaders(stale),
      );
    },
  });
