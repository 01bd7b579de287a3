import type { ChargeOutcome, ChargeRequest, PaymentGateway, RefundOutcome, RefundRequest } from "./payment-gateway.js";

/**
 * LOCAL STAND-IN for a card processor, for `npm start` and tests. It moves no money and
 * talks to nobody; its answers depend only on the token and on the requests it has seen:
 *
 *   tok_visa, tok_mastercard, tok_amex      captured
 *   tok_declined                            declined: card_declined
 *   tok_insufficient_funds                  declined: insufficient_funds
 *   tok_transient_<n>                       failed n times for a key, then captured
 *   anything else                           declined: unknown token
 *
 * Like a real processor it is idempotent by key: a key that was captured or declined returns
 * the same answer again and never charges twice; reusing a key with a different amount,
 * currency or token is declined as `idempotency_key_reused`. `lookup` answers what a key's
 * charge came to; `refund` pays a capture back in full, once per key.
 */
export class LocalPaymentGateway implements PaymentGateway {
  private readonly settled = new Map<string, { request: ChargeRequest; outcome: ChargeOutcome }>();
  private readonly failures = new Map<string, number>();
  private readonly captured: { chargeId: string; request: ChargeRequest }[] = [];
  private readonly refundsByKey = new Map<string, RefundOutcome>();
  private readonly refunded: { refundId: string; request: RefundRequest }[] = [];

  charge(request: ChargeRequest): Promise<ChargeOutcome> {
    return Promise.resolve(this.decide(request));
  }

  lookup(idempotencyKey: string): Promise<ChargeOutcome | undefined> {
    return Promise.resolve(this.settled.get(idempotencyKey)?.outcome);
  }

  refund(request: RefundRequest): Promise<RefundOutcome> {
    const earlier = this.refundsByKey.get(request.idempotencyKey);
    if (earlier) return Promise.resolve(earlier);
    const charge = this.captured.find((c) => c.chargeId === request.chargeId);
    if (charge === undefined) return Promise.resolve({ status: "failed", reason: "no_such_charge" });
    if (request.amountCents > charge.request.amountCents) return Promise.resolve({ status: "failed", reason: "amount_too_large" });
    const outcome: RefundOutcome = { status: "refunded", refundId: `re_local_${String(this.refunded.length + 1).padStart(6, "0")}` };
    this.refundsByKey.set(request.idempotencyKey, outcome);
    this.refunded.push({ refundId: outcome.refundId, request });
    return Promise.resolve(outcome);
  }

  /** Every refund so far, in order. */
  refunds(): readonly { readonly refundId: string; readonly request: RefundRequest }[] {
    return [...this.refunded];
  }

  /** Every capture so far, in order: what a statement would show. */
  charges(): readonly { readonly chargeId: string; readonly request: ChargeRequest }[] {
    return [...this.captured];
  }

  private decide(request: ChargeRequest): ChargeOutcome {
    const earlier = this.settled.get(request.idempotencyKey);
    if (earlier) return sameRequest(earlier.request, request) ? earlier.outcome : { status: "declined", reason: "idempotency_key_reused" };
    const outcome = this.answer(request);
    if (outcome.status !== "failed") this.settled.set(request.idempotencyKey, { request, outcome });
    if (outcome.status === "captured") this.captured.push({ chargeId: outcome.chargeId, request });
    return outcome;
  }

  private answer({ token, idempotencyKey }: ChargeRequest): ChargeOutcome {
    const transient = /^tok_transient_(\d+)$/.exec(token);
    if (transient) {
      const failedSoFar = this.failures.get(idempotencyKey) ?? 0;
      if (failedSoFar < Number(transient[1])) {
        this.failures.set(idempotencyKey, failedSoFar + 1);
        return { status: "failed", reason: "processor_unavailable" };
      }
      return this.capture();
    }
    switch (token) {
      case "tok_visa":
      case "tok_mastercard":
      case "tok_amex":
        return this.capture();
      case "tok_declined":
        return { status: "declined", reason: "card_declined" };
      case "tok_insufficient_funds":
        return { status: "declined", reason: "insufficient_funds" };
      default:
        return { status: "declined", reason: "unknown token" };
    }
  }

  private capture(): ChargeOutcome {
    return { status: "captured", chargeId: `ch_local_${String(this.captured.length + 1).padStart(6, "0")}` };
  }
}

const sameRequest = (a: ChargeRequest, b: ChargeRequest): boolean =>
  a.amountCents === b.amountCents && a.currency === b.currency && a.token === b.token;
