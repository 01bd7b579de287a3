import { describe, expect, it } from "vitest";
import { LocalPaymentGateway } from "../../domain/local-payment-gateway.js";
import type { ChargeRequest } from "../../domain/payment-gateway.js";

const req = (token: string, idempotencyKey = "k1", amountCents = 12999): ChargeRequest => ({ token, idempotencyKey, amountCents, currency: "EUR" });

describe("LocalPaymentGateway (local stand-in)", () => {
  it("captures good tokens and declines bad ones", async () => {
    const gateway = new LocalPaymentGateway();
    expect(await gateway.charge(req("tok_visa", "a"))).toEqual({ status: "captured", chargeId: "ch_local_000001" });
    expect(await gateway.charge(req("tok_mastercard", "b"))).toEqual({ status: "captured", chargeId: "ch_local_000002" });
    expect(await gateway.charge(req("tok_amex", "b2"))).toMatchObject({ status: "captured" });
    expect(await gateway.charge(req("tok_declined", "c"))).toEqual({ status: "declined", reason: "card_declined" });
    expect(await gateway.charge(req("tok_insufficient_funds", "d"))).toEqual({ status: "declined", reason: "insufficient_funds" });
    expect(await gateway.charge(req("4242424242424242", "e"))).toEqual({ status: "declined", reason: "unknown token" });
    expect(gateway.charges().map((c) => c.request.idempotencyKey)).toEqual(["a", "b", "b2"]);
  });

  it("a transient token fails n times for a key, then captures; retries with the key charge once", async () => {
    const gateway = new LocalPaymentGateway();
    const outcomes = [];
    for (let i = 0; i < 5; i++) outcomes.push((await gateway.charge(req("tok_transient_2"))).status);
    expect(outcomes).toEqual(["failed", "failed", "captured", "captured", "captured"]);
    expect(gateway.charges()).toHaveLength(1);
  });

  it("the same key always answers the same, and never charges twice", async () => {
    const gateway = new LocalPaymentGateway();
    const first = await gateway.charge(req("tok_visa"));
    expect(await gateway.charge(req("tok_visa"))).toEqual(first);
    expect(await gateway.charge(req("tok_declined", "k2"))).toEqual(await gateway.charge(req("tok_declined", "k2")));
    expect(gateway.charges()).toHaveLength(1);
  });

  it("a key reused for another amount or card is declined, not charged", async () => {
    const gateway = new LocalPaymentGateway();
    await gateway.charge(req("tok_visa"));
    expect(await gateway.charge(req("tok_visa", "k1", 1))).toEqual({ status: "declined", reason: "idempotency_key_reused" });
    expect(await gateway.charge(req("tok_mastercard"))).toEqual({ status: "declined", reason: "idempotency_key_reused" });
    expect(gateway.charges()).toHaveLength(1);
  });
});
