import * as t from "io-ts";
import { matching, readableUpTo, text } from "./refine.js";
import { strict } from "./strict.js";

/** ISO 3166-1 alpha-2, in capitals: `DE`, `GB`, `US`. */
export const CountryCode = matching("CountryCode", /^[A-Z]{2}$/, 2, { description: "ISO 3166-1 alpha-2, in capitals" });
export const Phone = matching("Phone", /^\+?[0-9][0-9 ()./-]{2,31}$/, 32, { description: "digits, spaces and ()./- , an optional leading +" });

const addressFields = {
  required: { name: text("RecipientName", 200), line1: text("AddressLine", 200), city: text("City", 100), postalCode: text("PostalCode", 20), country: CountryCode },
  optional: { line2: readableUpTo("AddressLine2", 200), region: readableUpTo("Region", 100), phone: Phone },
};

/** A postal address as a client sends it; every field is bounded. */
export const AddressBody = strict("Address", addressFields.required, addressFields.optional);

/** An address as the API shows it (an order's, say). */
export const AddressView = t.intersection([t.type(addressFields.required), t.partial(addressFields.optional)], "AddressView");
