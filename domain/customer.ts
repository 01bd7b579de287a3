import * as t from "io-ts";
import { isLeft, left, right, type Either } from "fp-ts/lib/Either.js";
import { absurd } from "fp-ts/lib/function.js";
import { ConsentPurpose, customerStreamEventTypes, event, Id, type EventOf, type SavedAddress, type ShippingAddress, streams } from "../events/index.js";
import { shippingAddressOf } from "./address.js";
import { defineAggregate } from "./aggregate.js";
import type { Decider } from "./decider.js";
import { errors, type DomainError } from "./errors.js";
import { decisionSlice } from "./slice.js";
import { strict } from "./strict.js";

/** An address book holds this many addresses at most; one more is refused. */
export const MAX_ADDRESSES = 20;

/**
 * Every customer command names the customer (the token's `sub`, never the body) and carries `at`,
 * the handler's clock: the first command of a customer registers them at that time.
 */
const base = { customerId: Id, at: t.string };
const addressRequired = { name: t.string, line1: t.string, city: t.string, postalCode: t.string, country: t.string };
const addressOptional = { label: t.string, line2: t.string, region: t.string, phone: t.string };

export const ChangeCustomerProfile = strict({ type: t.literal("ChangeCustomerProfile"), ...base }, { name: t.string, phone: t.string });
/** `addressId` is minted by the handler, so a retry of the same request names the same address. */
export const AddAddress = strict({ type: t.literal("AddAddress"), ...base, addressId: Id, ...addressRequired }, addressOptional);
/** A partial change: absent fields stay; a blank optional one (`line2`, `region`, `phone`, `label`) is removed. */
export const ChangeAddress = strict({ type: t.literal("ChangeAddress"), ...base, addressId: Id }, { ...addressRequired, ...addressOptional });
export const RemoveAddress = strict({ type: t.literal("RemoveAddress"), ...base, addressId: Id });
export const ChooseDefaultAddress = strict({ type: t.literal("ChooseDefaultAddress"), ...base, addressId: Id });
/** `source`: where the customer said so (`self-service` from the API's own routes). */
export const SetConsent = strict({ type: t.literal("SetConsent"), ...base, purpose: ConsentPurpose, granted: t.boolean, source: t.string });

export const CustomerCommand = t.union([ChangeCustomerProfile, AddAddress, ChangeAddress, RemoveAddress, ChooseDefaultAddress, SetConsent]);
export type CustomerCommand = t.TypeOf<typeof CustomerCommand>;

export type CustomerEvent = EventOf<(typeof customerStreamEventTypes)[number]>;

export interface CustomerAddress {
  readonly addressId: string;
  readonly label?: string;
  readonly address: ShippingAddress;
}
export interface Consent {
  readonly granted: boolean;
  readonly at: string;
}
export interface Customer {
  readonly customerId: string;
  readonly name?: string;
  readonly phone?: string;
  readonly addresses: readonly CustomerAddress[];
  readonly defaultAddressId: string | null;
  readonly consents: Readonly<Partial<Record<ConsentPurpose, Consent>>>;
}
/** `null`: a customer whose stream has no events yet (never seen, or not registered). */
export type CustomerState = Customer | null;

const unregistered = (customerId: string): Customer => ({ customerId, addresses: [], defaultAddressId: null, consents: {} });

const entryOf = ({ addressId, label, customerId: _, ...address }: SavedAddress): CustomerAddress => ({ addressId, ...(label === undefined ? {} : { label }), address });

/** An entry's fields in a fixed order, so two entries compare by what they hold. */
const canonical = (e: CustomerAddress): string => JSON.stringify([e.label ?? null, Object.entries(e.address).sort(([a], [b]) => a.localeCompare(b))]);

/**
 * The fold. Removing the default address clears the default (`defaultAddressId` back to null): no
 * event says so, every fold of the stream (this one, the `customer-profile` read model) does.
 */
const evolve = (s: CustomerState, e: CustomerEvent): CustomerState => {
  if (e.type === "CustomerRegistered") return s ?? unregistered(e.data.customerId);
  const c = s ?? unregistered(e.data.customerId);
  switch (e.type) {
    case "CustomerProfileChanged": {
      const { customerId: _, ...changed } = e.data;
      return { ...c, ...changed };
    }
    case "AddressAdded":
      return { ...c, addresses: [...c.addresses, entryOf(e.data)] };
    case "AddressChanged":
      return { ...c, addresses: c.addresses.map((a) => (a.addressId === e.data.addressId ? entryOf(e.data) : a)) };
    case "AddressRemoved":
      return {
        ...c,
        addresses: c.addresses.filter((a) => a.addressId !== e.data.addressId),
        defaultAddressId: c.defaultAddressId === e.data.addressId ? null : c.defaultAddressId,
      };
    case "DefaultAddressChosen":
      return { ...c, defaultAddressId: e.data.addressId };
    case "ConsentGiven":
    case "ConsentWithdrawn":
      return { ...c, consents: { ...c.consents, [e.data.purpose]: { granted: e.type === "ConsentGiven", at: e.data.at } } };
    default:
      return absurd(e);
  }
};

/** The address book entry a command describes: the address checked and trimmed, a blank label left out. */
const entryFrom = (addressId: string, fields: t.TypeOf<typeof AddAddress>): Either<DomainError, CustomerAddress> => {
  const address = shippingAddressOf(fields, "");
  if (isLeft(address)) return address;
  const label = fields.label?.trim();
  return right({ addressId, ...(label === undefined || label === "" ? {} : { label }), address: address.right });
};

const savedOf = (customerId: string, e: CustomerAddress): SavedAddress => ({ customerId, addressId: e.addressId, ...(e.label === undefined ? {} : { label: e.label }), ...e.address });

const find = (c: Customer, addressId: string): Either<DomainError, CustomerAddress> => {
  const found = c.addresses.find((a) => a.addressId === addressId);
  return found === undefined ? left(errors.addressNotFound(addressId)) : right(found);
};

const changeProfile = (cmd: t.TypeOf<typeof ChangeCustomerProfile>, c: Customer): Either<DomainError, CustomerEvent[]> => {
  const changed: { name?: string; phone?: string } = {};
  for (const field of ["name", "phone"] as const) {
    const value = cmd[field]?.trim();
    if (value === undefined) continue;
    if (value === "") return left(errors.missingField(field));
    if (value !== c[field]) changed[field] = value;
  }
  return right(Object.keys(changed).length === 0 ? [] : [event("CustomerProfileChanged", { customerId: c.customerId, ...changed })]);
};

const addAddress = (cmd: t.TypeOf<typeof AddAddress>, c: Customer): Either<DomainError, CustomerEvent[]> => {
  const entry = entryFrom(cmd.addressId, cmd);
  if (isLeft(entry)) return entry;
  const earlier = c.addresses.find((a) => a.addressId === cmd.addressId);
  // The same address again (a retry naming the same id) changes nothing; other contents under it clash.
  if (earlier !== undefined) return canonical(earlier) === canonical(entry.right) ? right([]) : left(errors.addressConflict(cmd.addressId));
  if (c.addresses.length >= MAX_ADDRESSES) return left(errors.addressBookFull(MAX_ADDRESSES));
  return right([event("AddressAdded", savedOf(c.customerId, entry.right))]);
};

const changeAddress = (cmd: t.TypeOf<typeof ChangeAddress>, c: Customer): Either<DomainError, CustomerEvent[]> => {
  const current = find(c, cmd.addressId);
  if (isLeft(current)) return current;
  const { type: _t, customerId: _c, at: _a, addressId, ...changes } = cmd;
  const merged = { type: "AddAddress" as const, customerId: c.customerId, at: cmd.at, addressId, ...current.right.address, label: current.right.label, ...changes };
  const entry = entryFrom(addressId, merged);
  if (isLeft(entry)) return entry;
  if (canonical(entry.right) === canonical(current.right)) return right([]);
  return right([event("AddressChanged", savedOf(c.customerId, entry.right))]);
};

const setConsent = (cmd: t.TypeOf<typeof SetConsent>, c: Customer): Either<DomainError, CustomerEvent[]> => {
  const source = cmd.source.trim();
  if (source === "") return left(errors.missingField("source"));
  // Saying again what holds changes nothing; consent never given needs no withdrawal.
  if ((c.consents[cmd.purpose]?.granted ?? false) === cmd.granted) return right([]);
  const data = { customerId: c.customerId, purpose: cmd.purpose, source, at: cmd.at };
  return right([cmd.granted ? event("ConsentGiven", data) : event("ConsentWithdrawn", data)]);
};

const decideFor = (cmd: CustomerCommand, c: Customer): Either<DomainError, CustomerEvent[]> => {
  switch (cmd.type) {
    case "ChangeCustomerProfile":
      return changeProfile(cmd, c);
    case "AddAddress":
      return addAddress(cmd, c);
    case "ChangeAddress":
      return changeAddress(cmd, c);
    case "RemoveAddress": {
      const found = find(c, cmd.addressId);
      return isLeft(found) ? found : right([event("AddressRemoved", { customerId: c.customerId, addressId: cmd.addressId })]);
    }
    case "ChooseDefaultAddress": {
      const found = find(c, cmd.addressId);
      if (isLeft(found)) return found;
      return right(c.defaultAddressId === cmd.addressId ? [] : [event("DefaultAddressChosen", { customerId: c.customerId, addressId: cmd.addressId })]);
    }
    case "SetConsent":
      return setConsent(cmd, c);
    default:
      return absurd(cmd);
  }
};

/**
 * A customer is registered locally, on first use: the first command that succeeds on a stream
 * appends `CustomerRegistered` before its own events (even when it changes nothing else), so
 * every customer stream starts with it. A refused command appends nothing.
 */
const decide = (cmd: CustomerCommand, s: CustomerState): Either<DomainError, CustomerEvent[]> => {
  const decided = decideFor(cmd, s ?? unregistered(cmd.customerId));
  if (isLeft(decided) || s !== null) return decided;
  return right([event("CustomerRegistered", { customerId: cmd.customerId, at: cmd.at }), ...decided.right]);
};

export const customerDecider: Decider<CustomerCommand, CustomerState, CustomerEvent, DomainError> = {
  initialState: null,
  evolve,
  decide,
};

/** No snapshot: the stream stays short (20 addresses, a few consents), and checkout reads it in one query. */
export const customerAggregate = defineAggregate<CustomerState>("customer", streams.customer, customerDecider);

export const customerSlice = decisionSlice({
  codec: CustomerCommand,
  types: ["ChangeCustomerProfile", "AddAddress", "ChangeAddress", "RemoveAddress", "ChooseDefaultAddress", "SetConsent"],
  target: (c) => ({ aggregate: customerAggregate, id: c.customerId }),
  decide: (c, s) => customerDecider.decide(c, s),
});

/** The address checkout ships to when the request names none: the default, if the customer chose one. */
export const defaultAddressOf = (c: CustomerState): CustomerAddress | undefined =>
  c?.defaultAddressId == null ? undefined : c.addresses.find((a) => a.addressId === c.defaultAddressId);

