import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHIP_TO } from "../kit/ship-to.js";
import { type Client, type E2eApi, type Json, startE2eApi, stockedBook, VISIBLE_WITHIN } from "./local-api.js";

let api: E2eApi;
let admin: Client;
let book: string;
beforeAll(async () => {
  api = await startE2eApi("e2e-customers", {}, "dynamodb", { readSide: ["customer-profile", "order-history"] });
  admin = await api.as("root", ["admin"]);
  book = await stockedBook(admin, 100, { title: "Middlemarch", priceCents: 900 });
});
afterAll(() => api.close());

const LEEDS = { name: "Ada Lovelace", line1: "1 Park Row", city: "Leeds", postalCode: "LS1 5AB", country: "GB" } as const;
const PARIS = { name: "Ada Lovelace", line1: "5 rue de Rivoli", city: "Paris", postalCode: "75001", country: "FR" } as const;

/** Adds an address to the caller's book; answers its id and the version the stream is at. */
const addAddress = async (customer: Client, address: Json): Promise<{ addressId: string; version: number }> => {
  const r = await customer.post("/me/addresses", address);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
};

/** GET /me once the read model shows `version` of the customer's stream. */
const meAt = async (customer: Client, version: number): Promise<Json> => {
  let last: Json;
  await expect.poll(async () => (last = (await customer.get(`/me?minVersion=${version}`)).body)?.version, VISIBLE_WITHIN).toBeGreaterThanOrEqual(version);
  return last;
};

/** A checkout of one copy; answers the response. */
const checkout = async (customer: Client, body: Json) => {
  expect((await customer.post("/cart/items", { bookId: book, quantity: 1 })).status).toBe(200);
  return customer.post("/checkout", body);
};

/** Where an order went, once order history shows it. */
const shippedTo = async (customer: Client, orderId: string): Promise<Json> => {
  let last: Json;
  await expect.poll(async () => (last = await customer.get(`/orders/${orderId}`)).status, VISIBLE_WITHIN).toBe(200);
  return last.body.shippingAddress;
};

describe("the caller's own profile over HTTP", () => {
  it("a customer never seen has an empty profile, not a 404", async () => {
    const stranger = await api.as("stranger");
    const r = await stranger.get("/me");
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ customerId: stranger.sub, addresses: [], consents: {}, version: 0 });
  });

  it("GET /me shows what was set: name, phone, the token's email, addresses, the default and consents", async () => {
    const ada = await api.as("ada", [], { email: "ada@example.com" });
    const profile = await ada.patch("/me", { name: "Ada Lovelace", phone: "+44 20 7946 0000" });
    expect(profile.status, JSON.stringify(profile.body)).toBe(200);
    // The first command registered her, then changed the profile.
    expect(profile.body).toEqual({ version: 2 });
    const home = await addAddress(ada, { ...SHIP_TO, label: "Home", line2: "Flat 2" });
    const work = await addAddress(ada, LEEDS);
    expect((await ada.put("/me/default-address", { addressId: work.addressId })).status).toBe(200);
    expect((await ada.patch(`/me/addresses/${home.addressId}`, { line2: "", city: "Westminster" })).status).toBe(200);
    expect((await ada.put("/me/consents/marketing-email", { granted: true })).status).toBe(200);
    expect((await ada.put("/me/consents/personalisation", { granted: true })).status).toBe(200);
    const last = await ada.put("/me/consents/personalisation", { granted: false });
    expect(last.status).toBe(200);

    const me = await meAt(ada, last.body.version);
    expect(me).toEqual({
      customerId: ada.sub,
      name: "Ada Lovelace",
      email: "ada@example.com",
      phone: "+44 20 7946 0000",
      addresses: [
        { addressId: home.addressId, label: "Home", ...SHIP_TO, city: "Westminster" },
        { addressId: work.addressId, ...LEEDS },
      ],
      defaultAddressId: work.addressId,
      consents: { "marketing-email": { granted: true, at: expect.any(String) }, personalisation: { granted: false, at: expect.any(String) } },
      version: last.body.version,
    });
  });

  it("a retry with the same Idempotency-Key names the same address and adds it once", async () => {
    const grace = await api.as("grace");
    const key = { "idempotency-key": "add-home-1" };
    const first = await grace.post("/me/addresses", SHIP_TO, key);
    const again = await grace.post("/me/addresses", SHIP_TO, key);
    expect(first.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect((await meAt(grace, first.body.version)).addresses).toEqual([{ addressId: first.body.addressId, ...SHIP_TO }]);
  });

  it("another customer's address, or an unknown one, is 404, and is left as it was", async () => {
    const owner = await api.as("owner");
    const mallory = await api.as("mallory");
    const { addressId, version } = await addAddress(owner, SHIP_TO);
    expect((await mallory.patch(`/me/addresses/${addressId}`, { city: "Elsewhere" })).status).toBe(404);
    expect((await mallory.delete(`/me/addresses/${addressId}`)).status).toBe(404);
    expect((await mallory.put("/me/default-address", { addressId })).status).toBe(404);
    expect((await owner.delete("/me/addresses/no-such-address")).status).toBe(404);
    // At checkout, an address of no book of the caller's is 422 naming addressId.
    const placed = await checkout(mallory, { addressId });
    expect(placed.status).toBe(422);
    expect(placed.body.errors).toEqual([expect.objectContaining({ pointer: "#/addressId" })]);
    expect((await meAt(owner, version)).addresses).toEqual([{ addressId, ...SHIP_TO }]);
  });

  it("a 21st address is 409", async () => {
    const collector = await api.as("collector");
    for (let i = 0; i < 20; i++) await addAddress(collector, { ...SHIP_TO, line1: `${i + 1} Baker Street` });
    const r = await collector.post("/me/addresses", PARIS);
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({ kind: "AddressBookFull", maxAddresses: 20 });
  });

  it("a bad country, a 10 KB field, an unknown field and an unknown consent purpose are 400", async () => {
    const careless = await api.as("careless");
    const pointers = async (r: Promise<Json>) => {
      const res = await r;
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      return res.body.errors.map((e: { pointer?: string; parameter?: string }) => e.pointer ?? e.parameter);
    };
    expect(await pointers(careless.post("/me/addresses", { ...SHIP_TO, country: "GBR" }))).toEqual(["#/country"]);
    expect(await pointers(careless.post("/me/addresses", { ...SHIP_TO, line1: "x".repeat(10_240) }))).toEqual(["#/line1"]);
    expect(await pointers(careless.patch("/me", { name: "x".repeat(10_240) }))).toEqual(["#/name"]);
    // A phone number ends in a digit (or a parenthesis), so what is stored is what was sent.
    expect(await pointers(careless.patch("/me", { phone: "020 7946 0000 " }))).toEqual(["#/phone"]);
    expect(await pointers(careless.post("/me/addresses", { ...SHIP_TO, customerId: "someone-else" }))).toEqual(["#/customerId"]);
    expect(await pointers(careless.put("/me/consents/telemarketing", { granted: true }))).toEqual(["purpose"]);
    expect(await pointers(careless.put("/me/consents/marketing-sms", { granted: "yes" }))).toEqual(["#/granted"]);
    // Nothing was written: the profile is still empty.
    expect((await careless.get("/me")).body.version).toBe(0);
  });
});

describe("checkout from the address book over HTTP", () => {
  it("checkout with addressId ships to that address", async () => {
    const buyer = await api.as("buyer-by-id");
    await addAddress(buyer, SHIP_TO);
    const { addressId } = await addAddress(buyer, PARIS);
    const placed = await checkout(buyer, { addressId, paymentToken: "tok_visa" });
    expect(placed.status, JSON.stringify(placed.body)).toBe(201);
    expect(await shippedTo(buyer, placed.body.orderId)).toEqual(PARIS);
  });

  it("checkout with no address ships to the default; an address sent wins; both at once are 400", async () => {
    const buyer = await api.as("buyer-by-default");
    await addAddress(buyer, SHIP_TO);
    const { addressId } = await addAddress(buyer, LEEDS);
    expect((await buyer.put("/me/default-address", { addressId })).status).toBe(200);
    const placed = await checkout(buyer, {});
    expect(placed.status, JSON.stringify(placed.body)).toBe(201);
    expect(await shippedTo(buyer, placed.body.orderId)).toEqual(LEEDS);
    const sent = await checkout(buyer, { shippingAddress: PARIS });
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    expect(await shippedTo(buyer, sent.body.orderId)).toEqual(PARIS);
    const both = await checkout(buyer, { addressId, shippingAddress: PARIS });
    expect(both.status).toBe(400);
    expect(both.body.errors).toEqual([expect.objectContaining({ pointer: "#/addressId" })]);
  });

  it("removing the default, then checking out without an address, is 422 naming shippingAddress", async () => {
    const buyer = await api.as("buyer-without-default");
    const { addressId } = await addAddress(buyer, SHIP_TO);
    expect((await buyer.put("/me/default-address", { addressId })).status).toBe(200);
    const removed = await buyer.delete(`/me/addresses/${addressId}`);
    expect(removed.status).toBe(200);
    const me = await meAt(buyer, removed.body.version);
    expect(me).not.toHaveProperty("defaultAddressId");
    expect(me.addresses).toEqual([]);
    const placed = await checkout(buyer, {});
    expect(placed.status).toBe(422);
    expect(placed.body).toMatchObject({ kind: "ShippingAddressRequired", errors: [expect.objectContaining({ pointer: "#/shippingAddress" })] });
  });
});
