import * as t from "io-ts";
import { customerStreamEventTypes, idOf, ShippingAddress, type SavedAddress } from "../events/index.js";
import { type EventIn, viewProjection } from "./builder.js";
import type { ViewsPort } from "./ports.js";

const Entry = t.intersection([t.type({ addressId: t.string }), t.partial({ label: t.string }), ShippingAddress]);
type Entry = t.TypeOf<typeof Entry>;
const Consent = t.type({ granted: t.boolean, at: t.string });
const Consents = t.partial({ "marketing-email": Consent, "marketing-sms": Consent, personalisation: Consent });

const ProfileState = t.intersection([
  t.type({ addresses: t.readonlyArray(Entry), consents: Consents }),
  t.partial({ name: t.string, phone: t.string, defaultAddressId: t.string }),
]);
type ProfileState = t.TypeOf<typeof ProfileState>;

export type CustomerProfile = ProfileState & {
  readonly customerId: string;
  /** The customer stream's version this view reflects; 0 for a customer never seen. */
  readonly version: number;
};

const empty: ProfileState = { addresses: [], consents: {} };
const consented =
  (granted: boolean) =>
  (state: ProfileState | undefined, e: EventIn<"ConsentGiven" | "ConsentWithdrawn">): ProfileState => {
    const s = state ?? empty;
    return { ...s, consents: { ...s.consents, [e.data.purpose]: { granted, at: e.data.at } } };
  };
const entryOf = ({ customerId: _, ...entry }: SavedAddress): Entry => entry;

/**
 * The caller's own profile, address book and consents: one view per customer stream. Removing the
 * default address clears the default here too (the stream says so by the removal alone).
 */
export const customerProfile = viewProjection({
  name: "customer-profile",
  version: 1,
  keyPrefix: "customer#",
  eventTypes: customerStreamEventTypes,
  state: ProfileState,
  viewOf: (e) => ({ id: idOf(e.streamId) }),
  evolve: {
    CustomerRegistered: (state) => state ?? empty,
    CustomerProfileChanged: (state, e) => {
      const { customerId: _, ...changed } = e.data;
      return { ...(state ?? empty), ...changed };
    },
    AddressAdded: (state, e) => {
      const s = state ?? empty;
      return { ...s, addresses: [...s.addresses, entryOf(e.data)] };
    },
    AddressChanged: (state, e) => {
      const s = state ?? empty;
      return { ...s, addresses: s.addresses.map((a) => (a.addressId === e.data.addressId ? entryOf(e.data) : a)) };
    },
    AddressRemoved: (state, e) => {
      const { defaultAddressId, ...s } = state ?? empty;
      const addresses = s.addresses.filter((a) => a.addressId !== e.data.addressId);
      return { ...s, addresses, ...(defaultAddressId === undefined || defaultAddressId === e.data.addressId ? {} : { defaultAddressId }) };
    },
    DefaultAddressChosen: (state, e) => ({ ...(state ?? empty), defaultAddressId: e.data.addressId }),
    ConsentGiven: consented(true),
    ConsentWithdrawn: consented(false),
  },
});

/** A customer's profile; one never seen (no stream yet) is an empty profile at version 0, not an absence. */
export const getCustomerProfile = async (live: ViewsPort, customerId: string): Promise<CustomerProfile> => {
  const stored = await customerProfile.read(live, { id: customerId });
  return { customerId, ...(stored?.state ?? empty), version: stored?.version ?? 0 };
};
