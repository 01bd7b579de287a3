import * as t from "io-ts";
import { matching, readableUpTo, text } from "./refine.js";
import { strict } from "./strict.js";
import { Id } from "./common.js";

/** ISO 3166-1 alpha-2, in capitals: `DE`, `GB`, `US`. */
export const CountryCode = matching("CountryCode", /^[A-Z]{2}$/, 2, { description: "ISO 3166-1 alpha-2, in capitals" });
export const Phone = matching("Phone", /^\+?[0-9][0-9 ()./-]{1,30}[0-9)]$/, 32, {
  description: "digits, spaces and ()./- , an optional leading +, ending in a digit or ) (so trimming never changes it)",
});

const addressFields = {
  required: { name: text("RecipientName", 200), line1: text("AddressLine", 200), city: text("City", 100), postalCode: text("PostalCode", 20), country: CountryCode },
  optional: { line2: readableUpTo("AddressLine2", 200), region: readableUpTo("Region", 100), phone: Phone },
};

/** A postal address as a client sends it; every field is bounded. */
export const AddressBody = strict("Address", addressFields.required, addressFields.optional);

/** An address as the API shows it (an order's, say). */
export const AddressView = t.intersection([t.type(addressFields.required), t.partial(addressFields.optional)], "AddressView");

/** The customer's own name for an address book entry (`Home`); blank leaves it out. */
const AddressLabel = readableUpTo("AddressLabel", 50);

/** An address for the caller's address book. */
export const NewAddressBody = strict("NewAddress", addressFields.required, { label: AddressLabel, ...addressFields.optional });

/**
 * A change of one address book entry: the fields sent replace the entry's, the rest stay. A blank
 * `label`, `line2`, `region` or `phone` removes it.
 */
export const AddressChangeBody = strict("AddressChange", {}, {
  label: AddressLabel,
  ...addressFields.required,
  ...addressFields.optional,
  phone: t.union([Phone, t.literal("")]),
});

/** An entry of the caller's address book as `GET /me` shows it. */
export const SavedAddressView = t.intersection(
  [t.type({ addressId: Id, ...addressFields.required }), t.partial({ label: AddressLabel, ...addressFields.optional })],
  "SavedAddress",
);
