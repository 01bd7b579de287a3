import * as t from "io-ts";
import { CommandAccepted, Currency, Id, TotalCents } from "./common.js";
import { intBetween } from "./refine.js";
import { OrderStatus } from "./orders.js";
import { matching } from "./refine.js";
import { strict } from "./strict.js";
import { AddressBody } from "./addresses.js";
import { withSchema } from "../json-schema-hints.js";

const CheckoutFields = strict("CheckoutBody", {}, { paymentToken: matching("PaymentToken", /^[A-Za-z0-9_-]{1,128}$/, 128), shippingAddress: AddressBody, addressId: Id });
type CheckoutFields = t.TypeOf<typeof CheckoutFields>;
const oneAddress = (b: CheckoutFields): boolean => b.shippingAddress === undefined || b.addressId === undefined;

/** `shippingAddress` or `addressId` (an address of the caller's book), never both: the schema says so with `not`. */
const OneAddress = withSchema(
  new t.RefinementType<typeof CheckoutFields, CheckoutFields, t.OutputOf<typeof CheckoutFields>, unknown>(
    "CheckoutBody",
    (u): u is CheckoutFields => CheckoutFields.is(u) && oneAddress(u),
    (u, c) => {
      const decoded = CheckoutFields.validate(u, c);
      if (decoded._tag === "Left" || oneAddress(decoded.right)) return decoded;
      // Named as `strict` names a field it refuses, so the problem points at `#/addressId`.
      return t.failure(decoded.right.addressId, [...c, { key: "addressId", type: t.never, actual: decoded.right.addressId }], "send shippingAddress or addressId, not both");
    },
    CheckoutFields.encode,
    CheckoutFields,
    oneAddress,
  ),
  { not: { required: ["shippingAddress", "addressId"] } },
);

/**
 * No body, or no `paymentToken`, places the order unpaid (to pay within the hold). The order goes
 * to `shippingAddress`, or to the address of the caller's book `addressId` names, or else to the
 * caller's default address.
 */
export const CheckoutBody = t.union([t.undefined, OneAddress]);
/** `status` says what the payment led to (`paid`, `cancelled` on a decline, `placed` while pending); absent on a repeat. */
export const OrderPlacedResponse = t.intersection(
  [t.type({ orderId: Id, totalCents: TotalCents, currency: Currency }), CommandAccepted, t.partial({ status: OrderStatus })],
  "OrderPlacedResponse",
);

/** What a 409 from checkout carries: the lines that could not be reserved. */
export const ShortLine = t.type(
  { bookId: Id, requested: intBetween("Requested", 1, 99), available: intBetween("AvailableStock", 0, Number.MAX_SAFE_INTEGER) },
  "ShortLine",
);
