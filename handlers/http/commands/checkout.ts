import type { CheckoutOutcome } from "../../commands/handle.js";
import { streams } from "../../../events/index.js";
import { CheckoutBody, OrderPlacedResponse } from "../codecs/checkout.js";
import { NoPath, NoQuery } from "../codecs/common.js";
import { OrderStatus } from "../codecs/orders.js";
import { created } from "../result.js";
import { type AnyRoute, callerOf, defineRoute } from "../route.js";
import type { Runtime } from "../runtime.js";
import { send, versionOf } from "./send.js";

/**
 * Places an order from the caller's cart. Send an `Idempotency-Key`: a retry with the same key
 * and body answers with the first order, even while the first request is still running, and
 * finishes what the first left undone (a payment still pending is settled).
 */
export const checkoutRoute = (runtime: () => Runtime): AnyRoute =>
  defineRoute({
    operationId: "checkout",
    method: "POST",
    path: "/checkout",
    auth: "customer",
    summary: "Place an order from the cart; with a payment token, pay for it too",
    description: [
      "Reserves every line's stock atomically with the order, or fails with `409` and every short line.",
      "With `paymentToken` the order is charged at once: `status` is `paid`, `cancelled` (declined: the stock is released), or `placed` while the processor's answer is pending (it is reconciled within `PAYMENT_RECONCILE_SECONDS`, 60 s unless configured).",
      "Without a token the order is placed and its stock held for `CHECKOUT_HOLD_SECONDS` (900 s unless configured), to be paid with `POST /orders/{orderId}/payment`; an order not paid by then is cancelled by the system and its stock released. A payment that arrives after that is refunded.",
      "Every order a checkout places is answered `201`, whatever happens to its payment.",
      "`shippingAddress` is where the order goes; an order without one is refused with `422` (`missing-information`, naming `shippingAddress`).",
    ].join("\n\n"),
    tags: ["orders"],
    request: { path: NoPath, query: NoQuery, body: CheckoutBody },
    response: { status: 201, codec: OrderPlacedResponse },
    problems: [409, 422],
    handler: async (input) => {
      const customerId = callerOf(input).sub;
      const orderId = runtime().newId();
      const paymentToken = input.body?.paymentToken;
      const shippingAddress = input.body?.shippingAddress;
      const command = {
        type: "Checkout" as const,
        customerId,
        orderId,
        ...(paymentToken === undefined ? {} : { paymentToken }),
        ...(shippingAddress === undefined ? {} : { shippingAddress }),
      };
      const sent = await send<CheckoutOutcome>(runtime(), "checkout", input, command);
      if (!sent.ok) return sent.failure;
      // A repeat answers from the record the first run wrote, with the order's status as it is now.
      const { orderId: placed, totalCents, currency, status } = sent.outcome.result as Partial<CheckoutOutcome> & Omit<CheckoutOutcome, "status">;
      return created({
        orderId: placed,
        version: versionOf(sent.outcome, streams.order(placed)),
        totalCents,
        currency,
        ...(OrderStatus.is(status) ? { status } : {}),
      });
    },
  });
