/**
 * The port to a card processor. A real adapter does I/O and lives outside `domain/`; the
 * domain only knows this shape. Every answer is a value: a timeout or outage is `failed`
 * (retry with the same key), never a thrown error.
 */
export interface ChargeRequest {
  /** The same key always means the same charge: a retried request never charges twice. */
  readonly idempotencyKey: string;
  /** A card token from the client-side payment form, never a card number. */
  readonly token: string;
  readonly amountCents: number;
  readonly currency: string;
}

export type ChargeOutcome =
  | { readonly status: "captured"; readonly chargeId: string }
  | { readonly status: "declined"; readonly reason: string }
  | { readonly status: "failed"; readonly reason: string };


export interface RefundRequest {
  /** The same key always means the same refund: a retried request never pays back twice. */
  readonly idempotencyKey: string;
  readonly chargeId: string;
  readonly amountCents: number;
  readonly currency: string;
}

export type RefundOutcome =
  | { readonly status: "refunded"; readonly refundId: string }
  | { readonly status: "failed"; readonly reason: string };

export interface PaymentGateway {
  charge(request: ChargeRequest): Promise<ChargeOutcome>;
  /**
   * What became of the charge asked for under this idempotency key, without charging: the
   * answer a retry of that request would get. `undefined` when the processor never received
   * it, so no money moved. Reconciles a payment whose outcome was never recorded.
   */
  lookup(idempotencyKey: string): Promise<ChargeOutcome | undefined>;
  refund(request: RefundRequest): Promise<RefundOutcome>;
}
