import type { CheckoutOutcome } from "../../commands/handle.js";
import { streams } from "../../../events/index.js";
import { CheckoutBody, OrderPlacedResponse } from "../codecs/checkout.js";
import { NoPath, NoQuery } from "../codecs/common.js";
import { OrderStatus } from "../codecs/orders.js";
import { created } from "../result.js";
import { type AnyRoute, defineRoute } from "../route.js";
import type { Runtime } from "../runtime.js";
import { callerOf, send, versionOf } from "./send.js";

/**
 * Places an order from the caller's cart. Send an `Idempotency-Key`: a retry with the same key
 * and body answers with the first order, even while the first request is still running.
 */
export const checkoutRoute = (runtime: () => Runtime): AnyRoute =>
  defineRoute({
    operationId: "checkout",
    method: "POST",
    path: "/checkout",
    auth: "customer",
    summary: "Place an order from the cart; with a payment token, pay for it too",
    tags: ["orders"],
    request: { path: NoPath, query: NoQuery, body: CheckoutBody },
    response: { status: 201, codec: OrderPlacedResponse },
    problems: [409, 422],
    handler: async (input) => {
      const customerId = callerOf(input).sub;
      const orderId = runtime().newId();
      const paymentToken = input.body?.paymentToken;
      const command = { type: "Checkout" as const, customerId, orderId, ...(paymentToken === undefined ? {} : { paymentToken }) };
      const sent = await send<CheckoutOutcome>(runtime(), "checkout", input, command);
      if (!sent.ok) return sent.failure;
      // A repeat answers from the record the first run wrote when it placed the order: no payment status there.
      const { orderId: placed, totalCents, currency, status } = sent.outcome.result as Partial<CheckoutOutcome> & Omit<CheckoutOutcome, "status">;
      return created({
        orderId: placed,
        version: versionOf(sent.outcome, streams.order(placed)),
        totalCents,
        currency,
        ...(OrderStatus.is(status) && !sent.outcome.duplicate ? { status } : {}),
      });
    },
  });
