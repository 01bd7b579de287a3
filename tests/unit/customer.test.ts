import { describe, expect, it } from "vitest";
import { isLeft, isRight } from "fp-ts/lib/Either.js";
import { event } from "../../events/index.js";
import { cartDecider } from "../../domain/cart.js";
import { decideCheckout } from "../../domain/checkout.js";
import { customerDecider, MAX_ADDRESSES, type CustomerCommand } from "../../domain/customer.js";
import { fold } from "../../domain/decider.js";
import { inventoryDecider } from "../../domain/inventory.js";
import { given } from "../../domain/testing.js";
import { SHIP_TO } from "../kit/ship-to.js";
import { itemAdded, now, received, sicp } from "./fixtures.js";

const alice = "alice";
const at = "2025-03-01T10:00:00.000Z";
const later = "2025-03-02T10:00:00.000Z";
const registered = event("CustomerRegistered", { customerId: alice, at });
const add = (addressId: string, over: Record<string, string> = {}): CustomerCommand => ({ type: "AddAddress", customerId: alice, at, addressId, ...SHIP_TO, ...over });
const added = (addressId: string, over: Record<string, string> = {}) => event("AddressAdded", { customerId: alice, addressId, ...SHIP_TO, ...over });
const removed = (addressId: string) => event("AddressRemoved", { customerId: alice, addressId });
const chosen = (addressId: string) => event("DefaultAddressChosen", { customerId: alice, addressId });
const consent = (purpose: "marketing-email" | "marketing-sms" | "personalisation", granted: boolean): CustomerCommand => ({
  type: "SetConsent",
  customerId: alice,
  at: later,
  purpose,
  granted,
  source: "self-service",
});

describe("Customer", () => {
  it("the first command registers the customer, before its own events", () => {
    given(customerDecider).when(add("home")).then(registered, added("home"));
    given(customerDecider, registered).when(add("home")).then(added("home"));
  });

  it("registers the customer even when the first command changes nothing else, and not when it is refused", () => {
    given(customerDecider).when({ type: "ChangeCustomerProfile", customerId: alice, at }).then(registered);
    given(customerDecider).when({ type: "RemoveAddress", customerId: alice, at, addressId: "x" }).thenFails({ kind: "AddressNotFound", addressId: "x" });
  });

  it("changes only the profile fields that differ, trimmed; a blank one is refused", () => {
    const profile = event("CustomerProfileChanged", { customerId: alice, name: "Ada" });
    given(customerDecider, registered).when({ type: "ChangeCustomerProfile", customerId: alice, at, name: " Ada ", phone: "+44 1" }).then(
      event("CustomerProfileChanged", { customerId: alice, name: "Ada", phone: "+44 1" }),
    );
    given(customerDecider, registered, profile).when({ type: "ChangeCustomerProfile", customerId: alice, at, name: "Ada" }).then();
    given(customerDecider, registered).when({ type: "ChangeCustomerProfile", customerId: alice, at, phone: "  " }).thenFails({ kind: "MissingField", field: "phone" });
  });

  it("keeps an address trimmed, its country in capitals, a blank optional field and label left out", () => {
    given(customerDecider, registered)
      .when(add("home", { name: " Ada Lovelace ", country: "gb", line2: " ", label: " Home " }))
      .then(added("home", { label: "Home" }));
    given(customerDecider, registered).when(add("home", { city: " " })).thenFails({ kind: "MissingField", field: "city" });
    given(customerDecider, registered).when(add("home", { country: "GBR" })).thenFails({ kind: "InvalidCountry", field: "country" });
  });

  it("the same address under the same id again changes nothing; other contents under it are refused", () => {
    given(customerDecider, registered, added("home")).when(add("home")).then();
    given(customerDecider, registered, added("home")).when(add("home", { city: "Leeds" })).thenFails({ kind: "AddressConflict", addressId: "home" });
  });

  it(`holds at most ${MAX_ADDRESSES} addresses`, () => {
    const full = Array.from({ length: MAX_ADDRESSES }, (_, i) => added(`a${i}`));
    given(customerDecider, registered, ...full).when(add("one-more")).thenFails({ kind: "AddressBookFull", maxAddresses: MAX_ADDRESSES });
    given(customerDecider, registered, ...full, removed("a3")).when(add("one-more")).then(added("one-more"));
  });

  it("changes an address in part, the whole entry in the event; a blank optional field removes it", () => {
    const home = added("home", { line2: "Flat 2", label: "Home" });
    given(customerDecider, registered, home)
      .when({ type: "ChangeAddress", customerId: alice, at, addressId: "home", city: "Leeds", line2: "" })
      .then(event("AddressChanged", { customerId: alice, addressId: "home", label: "Home", ...SHIP_TO, city: "Leeds" }));
    given(customerDecider, registered, home).when({ type: "ChangeAddress", customerId: alice, at, addressId: "home", city: "London" }).then();
    given(customerDecider, registered, home).when({ type: "ChangeAddress", customerId: alice, at, addressId: "work", city: "Leeds" }).thenFails("AddressNotFound");
  });

  it("chooses a default among its own addresses only, once", () => {
    given(customerDecider, registered, added("home")).when({ type: "ChooseDefaultAddress", customerId: alice, at, addressId: "home" }).then(chosen("home"));
    given(customerDecider, registered, added("home"), chosen("home")).when({ type: "ChooseDefaultAddress", customerId: alice, at, addressId: "home" }).then();
    given(customerDecider, registered).when({ type: "ChooseDefaultAddress", customerId: alice, at, addressId: "home" }).thenFails("AddressNotFound");
  });

  it("removing the default address clears the default", () => {
    const state = fold(customerDecider, [registered, added("home"), added("work"), chosen("home"), removed("home")]);
    expect(state?.defaultAddressId).toBeNull();
    expect(state?.addresses.map((a) => a.addressId)).toEqual(["work"]);
    const kept = fold(customerDecider, [registered, added("home"), added("work"), chosen("home"), removed("work")]);
    expect(kept?.defaultAddressId).toBe("home");
  });

  it("records consent given and withdrawn with its source and time; saying again what holds changes nothing", () => {
    const data = { customerId: alice, purpose: "marketing-email" as const, source: "self-service", at: later };
    given(customerDecider, registered).when(consent("marketing-email", true)).then(event("ConsentGiven", data));
    given(customerDecider, registered, event("ConsentGiven", data)).when(consent("marketing-email", true)).then();
    given(customerDecider, registered, event("ConsentGiven", data)).when(consent("marketing-email", false)).then(event("ConsentWithdrawn", data));
    // Never given: nothing to withdraw.
    given(customerDecider, registered).when(consent("marketing-sms", false)).then();
    const state = fold(customerDecider, [registered, event("ConsentGiven", data), event("ConsentWithdrawn", { ...data, at: "2025-04-01T00:00:00.000Z" })]);
    expect(state?.consents).toEqual({ "marketing-email": { granted: false, at: "2025-04-01T00:00:00.000Z" } });
  });
});

describe("Checkout's address from the address book (pure)", () => {
  const customer = fold(customerDecider, [registered, added("home"), added("work", { city: "Leeds" }), chosen("home")]);
  const checkout = (over: { shippingAddress?: typeof SHIP_TO | null; addressId?: string; customer?: typeof customer }) =>
    decideCheckout({
      customerId: alice,
      orderId: "o1",
      cart: fold(cartDecider, [itemAdded(alice, sicp, 1)]),
      inventories: new Map([["sicp", fold(inventoryDecider, [received("sicp", 5)])]]),
      books: new Map([[sicp.bookId, sicp]]),
      shippingAddress: null,
      customer,
      now,
      ...over,
    });
  const shipsTo = (r: ReturnType<typeof checkout>) => {
    if (!isRight(r)) throw new Error(r.left.message);
    return r.right.order[0]!.data;
  };
  const fails = (r: ReturnType<typeof checkout>) => {
    if (!isLeft(r)) throw new Error("expected a refusal");
    return r.left;
  };

  it("ships to the address `addressId` names, else to the default", () => {
    expect(shipsTo(checkout({ addressId: "work" }))).toMatchObject({ shippingAddress: { ...SHIP_TO, city: "Leeds" } });
    expect(shipsTo(checkout({}))).toMatchObject({ shippingAddress: SHIP_TO });
  });

  it("refuses an address of no book, both kinds of address at once, and no address without a default", () => {
    expect(fails(checkout({ addressId: "cottage" }))).toMatchObject({ kind: "AddressNotOnFile", field: "addressId" });
    expect(fails(checkout({ addressId: "home", shippingAddress: SHIP_TO }))).toMatchObject({ kind: "AddressChoiceAmbiguous", field: "addressId" });
    expect(fails(checkout({ customer: null }))).toMatchObject({ kind: "ShippingAddressRequired", field: "shippingAddress" });
    expect(fails(checkout({ customer: fold(customerDecider, [registered, added("home"), chosen("home"), removed("home")]) }))).toMatchObject({
      kind: "ShippingAddressRequired",
    });
  });
});
