import * as t from "io-ts";
import { MAX_ADDRESSES } from "../../../domain/customer.js";
import { Phone, SavedAddressView } from "./addresses.js";
import { Id, Version } from "./common.js";
import { intBetween, text, Timestamp, upTo, written } from "./refine.js";
import { strict } from "./strict.js";

export const ProfileChangeBody = strict("ProfileChange", {}, { name: text("CustomerName", 200), phone: Phone });
export const AddressIdPath = strict("AddressIdPath", { addressId: Id });
export const DefaultAddressBody = strict("DefaultAddress", { addressId: Id });
export const AddressCreated = t.type({ addressId: Id, version: Version }, "AddressCreated");

/** What a customer may consent to; any other purpose in the path is a 400. */
export const ConsentPurposePath = strict("ConsentPurposePath", {
  purpose: t.keyof({ "marketing-email": null, "marketing-sms": null, personalisation: null }, "ConsentPurpose"),
});
export const ConsentBody = strict("ConsentChoice", { granted: t.boolean });

const ConsentView = t.type({ granted: t.boolean, at: Timestamp }, "Consent");

/**
 * The caller's profile. `email` is the token's `email` claim, when it has one; the rest is the
 * customer's stream as the `customer-profile` read model shows it.
 */
export const CustomerProfileView = t.intersection(
  [
    t.type({
      customerId: Id,
      addresses: upTo(SavedAddressView, MAX_ADDRESSES, "SavedAddresses"),
      consents: t.partial({ "marketing-email": ConsentView, "marketing-sms": ConsentView, personalisation: ConsentView }, "Consents"),
      version: intBetween("ProfileVersion", 0, Number.MAX_SAFE_INTEGER),
    }),
    t.partial({ name: text("CustomerName", 200), email: written("Email", 320, { format: "email", description: "the token's email claim" }), phone: Phone, defaultAddressId: Id }),
  ],
  "CustomerProfile",
);
