import * as t from "io-ts";
import { schema } from "./upcast.js";
import { NonEmptyString } from "./scalars.js";
import { ShippingAddress } from "./order-events.js";

/**
 * A customer's own stream, `customer#<sub>`: profile, address book and consents. Personal data
 * throughout. Every event names the customer, so a consumer needs no stream id to tell whose.
 */

/** What a customer may consent to; the list is closed, so a consumer can act on each purpose. */
export const ConsentPurpose = t.keyof({ "marketing-email": null, "marketing-sms": null, personalisation: null });
export type ConsentPurpose = t.TypeOf<typeof ConsentPurpose>;
export const consentPurposes = Object.keys(ConsentPurpose.keys) as ConsentPurpose[];

/** The first event of every customer stream: appended by the first command the customer sends. */
export const CustomerRegistered = schema("CustomerRegistered", t.type({ customerId: t.string, at: t.string }));
/** Only the fields that changed are present. */
export const CustomerProfileChanged = schema(
  "CustomerProfileChanged",
  t.intersection([t.type({ customerId: t.string }), t.partial({ name: NonEmptyString, phone: NonEmptyString })]),
);

/** One entry of the address book: the address (as an order would keep it), its id and the customer's label. */
const SavedAddress = t.intersection([t.type({ customerId: t.string, addressId: t.string }), t.partial({ label: NonEmptyString }), ShippingAddress]);
export type SavedAddress = t.TypeOf<typeof SavedAddress>;
export const AddressAdded = schema("AddressAdded", SavedAddress);
/** The whole entry as it now stands (a field absent here is gone), so a fold replaces it. */
export const AddressChanged = schema("AddressChanged", SavedAddress);
/** Removing the default address also clears the default: every fold of this stream does so. */
export const AddressRemoved = schema("AddressRemoved", t.type({ customerId: t.string, addressId: t.string }));
export const DefaultAddressChosen = schema("DefaultAddressChosen", t.type({ customerId: t.string, addressId: t.string }));

/** `source`: where the customer said so (`self-service`: through the API's own routes). */
const Consent = t.type({ customerId: t.string, purpose: ConsentPurpose, source: NonEmptyString, at: t.string });
export const ConsentGiven = schema("ConsentGiven", Consent);
export const ConsentWithdrawn = schema("ConsentWithdrawn", Consent);

/** Every event type a customer's stream holds. */
export const customerStreamEventTypes = [
  "CustomerRegistered",
  "CustomerProfileChanged",
  "AddressAdded",
  "AddressChanged",
  "AddressRemoved",
  "DefaultAddressChosen",
  "ConsentGiven",
  "ConsentWithdrawn",
] as const;
