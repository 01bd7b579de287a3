import { streams } from "../../../events/index.js";
import { CommandAccepted, NoQuery } from "../codecs/common.js";
import { OrderIdPath, OrderPaymentBody, OrderPaymentResponse, OrderStatus } from "../codecs/orders.js";
import { ok } from "../result.js";
import { type AnyRoute, callerOf, defineRoute } from "../route.js";
import type { Runtime } from "../runtime.js";
import { send, sendForVersion } from "./send.js";

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
      return sendForVersion(runtime(), "cancelOrder", input, { type: "CancelOrder", orderId, actor }, streams.order(orderId));
    },
  });

/**
 * Pays a placed order of the caller's own: one checked out without a payment token, or one whose
 * charge is still pending. The answer says what the payment led to.
 */
export const payOrderRoute = (runtime: () => Runtime): AnyRoute =>
  defineRoute({
    operationId: "payOrder",
    method: "POST",
    path: "/orders/{orderId}/payment",
    auth: "customer",
    summary: "Pay a placed order with a payment token",
    description:
      "For an order placed without a token (its stock is held for `CHECKOUT_HOLD_SECONDS`) or whose payment is still pending. " +
      "`status` is `paid`, `cancelled` (declined: its stock is released) or `placed` while the processor's answer is pending. " +
      "An order that is paid, cancelled or not the caller's answers `409` or `404`. Send an `Idempotency-Key` to retry safely; the charge is made once either way.",
    tags: ["orders"],
    request: { path: OrderIdPath, query: NoQuery, body: OrderPaymentBody },
    response: { status: 200, codec: OrderPaymentResponse },
    problems: [404, 409, 422],
    handler: async (input) => {
      const { orderId } = input.path;
      const sent = await send<{ orderId: string; status: string }>(runtime(), "payOrder", input, {
        type: "PayOrder",
        orderId,
        customerId: callerOf(input).sub,
        paymentToken: input.body.paymentToken,
      });
      if (!sent.ok) return sent.failure;
      const status = sent.outcome.result.status;
      return ok({ orderId, ...(OrderStatus.is(status) ? { status } : {}) });
    },
  });
