import { describe, it } from "vitest";
import { event } from "../../events/index.js";
import { paymentDecider } from "../../domain/payment.js";
import { given } from "../../domain/testing.js";

const o = "o1";
const request = { type: "RequestPayment" as const, orderId: o, amountCents: 12999, currency: "EUR", idempotencyKey: "pay-o1" };
const requested = event("PaymentRequested", { orderId: o, amountCents: 12999, currency: "EUR", idempotencyKey: "pay-o1" });
const outcome = (o2: { status: "captured"; chargeId: string } | { status: "declined" | "failed"; reason: string }) => ({
  type: "RecordChargeOutcome" as const,
  orderId: o,
  outcome: o2,
});
const captured = event("PaymentCaptured", { orderId: o, chargeId: "ch_1", amountCents: 12999, currency: "EUR" });
const declined = event("PaymentDeclined", { orderId: o, reason: "card_declined" });

describe("Payment", () => {
  it("is requested before the gateway is called; asking again is a no-op", () => {
    given(paymentDecider).when(request).then(requested);
    given(paymentDecider, requested).when(request).then();
  });

  it("refuses a second request for another amount", () => {
    given(paymentDecider, requested).when({ ...request, amountCents: 1 }).thenFails("PaymentAmountMismatch");
    given(paymentDecider, requested).when({ ...request, currency: "USD" }).thenFails("PaymentAmountMismatch");
  });

  it("records a capture, a decline, or a failed attempt counted", () => {
    given(paymentDecider, requested).when(outcome({ status: "captured", chargeId: "ch_1" })).then(captured);
    given(paymentDecider, requested).when(outcome({ status: "declined", reason: "card_declined" })).then(declined);
    given(paymentDecider, requested, event("PaymentAttemptFailed", { orderId: o, reason: "timeout", attempt: 1 }))
      .when(outcome({ status: "failed", reason: "timeout" }))
      .then(event("PaymentAttemptFailed", { orderId: o, reason: "timeout", attempt: 2 }));
  });

  it("fills in a reason the gateway left empty", () => {
    given(paymentDecider, requested).when(outcome({ status: "declined", reason: "" })).then(event("PaymentDeclined", { orderId: o, reason: "declined" }));
    given(paymentDecider, requested).when(outcome({ status: "failed", reason: "" })).then(event("PaymentAttemptFailed", { orderId: o, reason: "failed", attempt: 1 }));
  });

  it("a failed attempt may be followed by a capture", () => {
    given(paymentDecider, requested, event("PaymentAttemptFailed", { orderId: o, reason: "timeout", attempt: 1 }))
      .when(outcome({ status: "captured", chargeId: "ch_1" }))
      .then(captured);
  });

  it("the same outcome recorded twice changes nothing", () => {
    given(paymentDecider, requested, captured).when(outcome({ status: "captured", chargeId: "ch_1" })).then();
    given(paymentDecider, requested, declined).when(outcome({ status: "declined", reason: "again" })).then();
  });

  it("a settled payment takes no other outcome and no new request", () => {
    given(paymentDecider, requested, captured).when(outcome({ status: "captured", chargeId: "ch_2" })).thenFails({ kind: "PaymentSettled", status: "captured" });
    given(paymentDecider, requested, captured).when(outcome({ status: "declined", reason: "x" })).thenFails("PaymentSettled");
    given(paymentDecider, requested, declined).when(outcome({ status: "failed", reason: "x" })).thenFails({ kind: "PaymentSettled", status: "declined" });
    given(paymentDecider, requested, declined).when(request).thenFails("PaymentSettled");
  });

  it("an outcome without a request is refused", () => {
    given(paymentDecider).when(outcome({ status: "captured", chargeId: "ch_1" })).thenFails({ kind: "PaymentNotRequested", orderId: o });
  });
});
