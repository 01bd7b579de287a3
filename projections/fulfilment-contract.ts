import { type Either, left, right, isLeft } from "fp-ts/lib/Either.js";
import * as t from "io-ts";
import { describeErrors } from "../events/index.js";

/**
 * The messages of the fulfilment queue: a public, versioned contract, like the integration
 * events, separate from the internal events they are made from. Every body is JSON with `type`
 * and `version`; a breaking change is a new version of its type. Consumers (the warehouse, the
 * CLI) decode with `FulfilmentMessage` and dedupe on `messageId`, which SQS also dedupes on.
 */
export const ShippingAddressV1 = t.intersection([
  t.type({ name: t.string, line1: t.string, city: t.string, postalCode: t.string, country: t.string }),
  t.partial({ line2: t.string, region: t.string, phone: t.string }),
]);
export type ShippingAddressV1 = t.TypeOf<typeof ShippingAddressV1>;

export const FulfilmentLineV1 = t.type({ bookId: t.string, title: t.string, quantity: t.number });
export type FulfilmentLineV1 = t.TypeOf<typeof FulfilmentLineV1>;

/** A paid order to pick, pack and ship. `shippingAddress` is null for an order placed without one. */
export const FulfilmentRequestedV1 = t.type({
  type: t.literal("FulfilmentRequested"),
  version: t.literal(1),
  /** The id of the internal event it comes from (the OrderPaid): the same on every redelivery. */
  messageId: t.string,
  orderId: t.string,
  lines: t.array(FulfilmentLineV1),
  shippingAddress: t.union([ShippingAddressV1, t.null]),
  placedAt: t.string,
  paidAt: t.string,
});
export type FulfilmentRequestedV1 = t.TypeOf<typeof FulfilmentRequestedV1>;

/** A requested order cancelled before it shipped: stop, and put back what was picked. */
export const FulfilmentCancelledV1 = t.type({
  type: t.literal("FulfilmentCancelled"),
  version: t.literal(1),
  /** The id of the OrderCancelled it comes from. */
  messageId: t.string,
  orderId: t.string,
  cancelledAt: t.string,
  reason: t.string,
});
export type FulfilmentCancelledV1 = t.TypeOf<typeof FulfilmentCancelledV1>;

export const FulfilmentMessage = t.union([FulfilmentRequestedV1, FulfilmentCancelledV1]);
export type FulfilmentMessage = t.TypeOf<typeof FulfilmentMessage>;

/** A body that is not a message of the contract, and why. */
export interface UndecodableMessage {
  readonly kind: "UndecodableMessage";
  readonly reason: string;
}

/** Decodes a queue message's body; never throws. */
export const decodeFulfilmentMessage = (body: string): Either<UndecodableMessage, FulfilmentMessage> => {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (e) {
    return left({ kind: "UndecodableMessage", reason: `not JSON: ${(e as Error).message}` });
  }
  const decoded = FulfilmentMessage.decode(json);
  return isLeft(decoded) ? left({ kind: "UndecodableMessage", reason: describeErrors(decoded.left) }) : right(decoded.right);
};
