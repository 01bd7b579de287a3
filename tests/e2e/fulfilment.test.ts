import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { event, streams } from "../../events/index.js";
import { SHIP_TO } from "../kit/ship-to.js";
import "../kit/to-have-stream.js";
import { peekQueue } from "../../cli/queue-peek.js";
import { type Client, type E2eApi, eventTypes, expectAvailable, startE2eApi, stockedBook, VISIBLE_WITHIN } from "./local-api.js";

let api: E2eApi;
let admin: Client;
let warehouse: Client;
let oms: Client;
beforeAll(async () => {
  api = await startE2eApi("e2e-fulfilment", {}, "dynamodb", { readSide: ["order-history", "inventory-view", "book-detail", "fulfilment-requests"] });
  admin = await api.as("root", ["admin"]);
  warehouse = await api.as("packer", ["warehouse"]);
  oms = await api.as("oms-client", ["oms"]);
});
afterAll(() => api.close());

/** A paid order of `lines` (book id, quantity) by a new customer; answers the customer and the order id. */
const paidOrder = async (name: string, lines: readonly (readonly [string, number])[]) => {
  const customer = await api.as(name);
  for (const [bookId, quantity] of lines) expect((await customer.post("/cart/items", { bookId, quantity })).status).toBe(200);
  const placed = await customer.post("/checkout", { shippingAddress: SHIP_TO, paymentToken: "tok_visa" });
  expect(placed.status, JSON.stringify(placed.body)).toBe(201);
  expect(placed.body.status).toBe("paid");
  return { customer, orderId: placed.body.orderId as string };
};

/** The order view once it reflects `version` of the order's stream. */
const orderAt = async (client: Client, orderId: string, version: number) => {
  let last: Awaited<ReturnType<Client["get"]>> | undefined;
  await expect.poll(async () => (last = await client.get(`/orders/${orderId}`)).body?.version, VISIBLE_WITHIN).toBeGreaterThanOrEqual(version);
  return last!.body;
};

describe("fulfilment over HTTP", () => {
  it("an order ships to its address in two parcels, partially shipped then shipped, and is delivered when both arrive", async () => {
    const dune = await stockedBook(admin, 10, { title: "Dune", priceCents: 1100 });
    const ubik = await stockedBook(admin, 10, { title: "Ubik", priceCents: 700 });
    const { customer, orderId } = await paidOrder("shipped-to", [
      [dune, 2],
      [ubik, 1],
    ]);
    expect((await orderAt(customer, orderId, 2)).shippingAddress).toEqual(SHIP_TO);
    // The paid order is handed to the OMS over the FIFO queue, with its address and lines.
    const queues = api.queues!;
    let handedOff: Record<string, unknown> | undefined;
    await expect
      .poll(async () => {
        const waiting = await peekQueue(queues.client, queues.urls.fulfilment, { holdSeconds: 5 });
        handedOff = waiting.filter((m) => m.groupId === orderId).map((m) => JSON.parse(m.body) as Record<string, unknown>)[0];
        return handedOff?.type;
      }, VISIBLE_WITHIN)
      .toBe("FulfilmentRequested");
    expect(handedOff).toMatchObject({
      orderId,
      shippingAddress: SHIP_TO,
      lines: [
        { bookId: dune, title: "Dune", quantity: 2 },
        { bookId: ubik, title: "Ubik", quantity: 1 },
      ],
    });

    const first = await warehouse.post(`/orders/${orderId}/shipments`, { carrier: "DHL", trackingNumber: "JD0001", lines: [{ bookId: dune, quantity: 2 }] });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body).toEqual({ shipmentId: expect.any(String), version: 3 });
    const partly = await orderAt(customer, orderId, 3);
    expect(partly.status).toBe("partially-shipped");
    expect(partly.shipments).toEqual([
      { shipmentId: first.body.shipmentId, carrier: "DHL", trackingNumber: "JD0001", lines: [{ bookId: dune, quantity: 2 }], status: "shipped", shippedAt: expect.any(String) },
    ]);
    // What remains is one Ubik: asking for more is refused, and changes nothing.
    const tooMany = await warehouse.post(`/orders/${orderId}/shipments`, { carrier: "DHL", trackingNumber: "JD0002", lines: [{ bookId: ubik, quantity: 2 }] });
    expect(tooMany.status).toBe(409);
    expect(tooMany.body).toMatchObject({ kind: "ShipsTooMuch", lines: [{ bookId: ubik, requested: 2, available: 1 }] });

    // No lines: everything not yet shipped.
    const second = await admin.post(`/orders/${orderId}/shipments`, { carrier: "UPS", trackingNumber: "1Z999" });
    expect(second.status).toBe(201);
    const shipped = await orderAt(customer, orderId, second.body.version);
    expect(shipped.status).toBe("shipped");
    expect(shipped.shipments.map((s: { lines: unknown }) => s.lines)).toEqual([[{ bookId: dune, quantity: 2 }], [{ bookId: ubik, quantity: 1 }]]);
    expect((await customer.post(`/orders/${orderId}/cancel`)).status).toBe(409);

    const arrived = await warehouse.post(`/orders/${orderId}/shipments/${first.body.shipmentId}/delivered`);
    expect(arrived.status).toBe(200);
    expect((await orderAt(customer, orderId, arrived.body.version)).status).toBe("shipped");
    const last = await warehouse.post(`/orders/${orderId}/shipments/${second.body.shipmentId}/delivered`);
    const delivered = await orderAt(customer, orderId, last.body.version);
    expect(delivered.status).toBe("delivered");
    expect(delivered.shipments.map((s: { status: string; deliveredAt?: string }) => [s.status, typeof s.deliveredAt])).toEqual([
      ["delivered", "string"],
      ["delivered", "string"],
    ]);
    const listed = await customer.get("/orders");
    expect(listed.body.items).toEqual([expect.objectContaining({ orderId, status: "delivered" })]);

    const at = expect.any(String);
    await expect(api.local.runtime.store).toHaveStream(streams.order(orderId), [
      { type: "OrderPlaced", data: expect.objectContaining({ orderId, shippingAddress: SHIP_TO }) },
      { type: "OrderPaid", data: expect.objectContaining({ orderId }) },
      event("ShipmentDispatched", { orderId, shipmentId: first.body.shipmentId, carrier: "DHL", trackingNumber: "JD0001", lines: [{ bookId: dune, quantity: 2 }], shippedAt: at }),
      event("ShipmentDispatched", { orderId, shipmentId: second.body.shipmentId, carrier: "UPS", trackingNumber: "1Z999", lines: [{ bookId: ubik, quantity: 1 }], shippedAt: at }),
      event("OrderShipped", { orderId }),
      event("ShipmentDelivered", { orderId, shipmentId: first.body.shipmentId, deliveredAt: at }),
      event("ShipmentDelivered", { orderId, shipmentId: second.body.shipmentId, deliveredAt: at }),
      event("OrderDelivered", { orderId }),
    ]);
  });

  it("a shipment retried with the same Idempotency-Key is recorded once", async () => {
    const book = await stockedBook(admin, 5);
    const { orderId } = await paidOrder("retried-shipment", [[book, 1]]);
    const key = { "idempotency-key": `ship-${orderId}` };
    const [a, b] = await Promise.all([
      warehouse.post(`/orders/${orderId}/shipments`, { carrier: "DHL", trackingNumber: "T1" }, key),
      warehouse.post(`/orders/${orderId}/shipments`, { carrier: "DHL", trackingNumber: "T1" }, key),
    ]);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.body.shipmentId).toBe(b.body.shipmentId);
    expect(await eventTypes(admin, streams.order(orderId))).toEqual(["OrderPlaced", "OrderPaid", "ShipmentDispatched", "OrderShipped"]);
  });

  it("checkout needs an address: none is 422 naming it; a 3-letter country or a 10 KB line is 400", async () => {
    const book = await stockedBook(admin, 5);
    const buyer = await api.as("no-address");
    await buyer.post("/cart/items", { bookId: book, quantity: 1 });
    const missing = await buyer.post("/checkout", { paymentToken: "tok_visa" });
    expect(missing.status).toBe(422);
    expect(missing.body).toMatchObject({ type: "urn:bookstore:problem:missing-information", kind: "ShippingAddressRequired", errors: [{ in: "body", pointer: "#/shippingAddress" }] });
    expect((await buyer.post("/checkout")).status).toBe(422);

    const country = await buyer.post("/checkout", { shippingAddress: { ...SHIP_TO, country: "GBR" } });
    expect(country.status).toBe(400);
    expect(country.body.errors).toEqual([expect.objectContaining({ pointer: "#/shippingAddress/country" })]);
    const long = await buyer.post("/checkout", { shippingAddress: { ...SHIP_TO, line1: "x".repeat(10_240) } });
    expect(long.status).toBe(400);
    expect(long.body.errors).toEqual([expect.objectContaining({ pointer: "#/shippingAddress/line1" })]);
    // Nothing was placed by any of these: the cart is still there to check out.
    expect((await buyer.post("/checkout", { shippingAddress: SHIP_TO })).status).toBe(201);
  });

  it("only admin and warehouse staff record shipments; only the oms client reports events", async () => {
    const book = await stockedBook(admin, 5);
    const { customer, orderId } = await paidOrder("not-staff", [[book, 1]]);
    expect((await customer.post(`/orders/${orderId}/shipments`, { carrier: "DHL", trackingNumber: "T1" })).status).toBe(403);
    expect((await oms.post(`/orders/${orderId}/shipments`, { carrier: "DHL", trackingNumber: "T1" })).status).toBe(403);
    const report = { events: [{ eventId: "e-403", orderId, type: "delivered", at: new Date().toISOString() }] };
    expect((await warehouse.post("/fulfilment/events", report)).status).toBe(403);
    expect((await admin.post("/fulfilment/events", report)).status).toBe(403);
    expect((await customer.post("/fulfilment/events", report)).status).toBe(403);
    expect(await eventTypes(admin, streams.order(orderId))).toEqual(["OrderPlaced", "OrderPaid"]);
  });

  it("the OMS reports 100 events: a batch sent twice appends nothing the second time; an impossible one is rejected alone", async () => {
    const book = await stockedBook(admin, 200);
    const orders = await Promise.all(Array.from({ length: 50 }, (_, i) => paidOrder(`oms-${i}`, [[book, 1]])));
    const at = new Date().toISOString();
    const batch = orders.flatMap(({ orderId }, i) => [
      { eventId: `ship-${orderId}`, orderId, type: "shipped", shipmentId: `p-${i}`, carrier: "DHL", trackingNumber: `T${i}`, at },
      { eventId: `deliver-${orderId}`, orderId, type: "delivered", shipmentId: `p-${i}`, at },
    ]);
    const first = await oms.post("/fulfilment/events", { events: batch });
    expect(first.status, JSON.stringify(first.body).slice(0, 300)).toBe(200);
    expect(first.body.results).toEqual(batch.map((e) => ({ eventId: e.eventId, status: "applied" })));
    const again = await oms.post("/fulfilment/events", batch);
    expect(again.body.results).toEqual(batch.map((e) => ({ eventId: e.eventId, status: "duplicate" })));
    for (const { orderId } of orders.slice(0, 3)) {
      expect(await eventTypes(admin, streams.order(orderId))).toEqual(["OrderPlaced", "OrderPaid", "ShipmentDispatched", "OrderShipped", "ShipmentDelivered", "OrderDelivered"]);
    }

    // 99 good reports and one delivery of a shipment that never left.
    const more = await Promise.all(Array.from({ length: 33 }, (_, i) => paidOrder(`oms-more-${i}`, [[book, 1]])));
    const good = more.flatMap(({ orderId }, i) => [
      { eventId: `ship-${orderId}`, orderId, type: "shipped", carrier: "GLS", trackingNumber: `G${i}`, at },
      { eventId: `late-${orderId}`, orderId, type: "exception", note: "held at customs", at },
      { eventId: `deliver-${orderId}`, orderId, type: "delivered", at },
    ]);
    const impossible = { eventId: "deliver-unshipped", orderId: orders[0]!.orderId, type: "delivered", shipmentId: "never-sent", at };
    const unknown = { eventId: "unknown-order", orderId: "no-such-order", type: "exception", note: "?", at };
    const mixed = [...good.slice(0, 49), impossible, ...good.slice(49, 98), unknown];
    expect(mixed).toHaveLength(100);
    const answered = await oms.post("/fulfilment/events", { events: mixed });
    expect(answered.status).toBe(200);
    const results = answered.body.results as { eventId: string; status: string; problem?: { status: number; kind?: string } }[];
    expect(results.filter((r) => r.status === "applied")).toHaveLength(98);
    expect(results[49]).toMatchObject({ eventId: "deliver-unshipped", status: "rejected", problem: { status: 404 } });
    expect(results[99]).toMatchObject({ eventId: "unknown-order", status: "rejected", problem: { status: 404 } });
    const exceptionOrder = more[0]!.orderId;
    expect(await eventTypes(admin, streams.order(exceptionOrder))).toEqual([
      "OrderPlaced",
      "OrderPaid",
      "ShipmentDispatched",
      "OrderShipped",
      "ShipmentException",
      "ShipmentDelivered",
      "OrderDelivered",
    ]);
    const view = await orderAt(admin, exceptionOrder, 7);
    expect(view.exceptions).toEqual([{ shipmentId: null, note: "held at customs", at }]);

    // A report without what its type needs is rejected, naming the field.
    const incomplete = await oms.post("/fulfilment/events", [{ eventId: "no-carrier", orderId: more[1]!.orderId, type: "shipped", trackingNumber: "X", at }]);
    expect(incomplete.body.results).toEqual([
      { eventId: "no-carrier", status: "rejected", problem: expect.objectContaining({ status: 400, errors: [expect.objectContaining({ pointer: "#/events/0/carrier" })] }) },
    ]);
    expect((await oms.post("/fulfilment/events", { events: Array.from({ length: 101 }, () => impossible) })).status).toBe(400);
  });

  it("a paid order not yet shipped may still be cancelled; one partly shipped may not", async () => {
    const book = await stockedBook(admin, 5);
    const { customer, orderId } = await paidOrder("cancel-before", [[book, 2]]);
    expect((await customer.post(`/orders/${orderId}/cancel`)).status).toBe(200);
    await expectAvailable(customer, book, 5);

    const other = await paidOrder("cancel-after", [[book, 2]]);
    expect((await warehouse.post(`/orders/${other.orderId}/shipments`, { carrier: "DHL", trackingNumber: "T1", lines: [{ bookId: book, quantity: 1 }] })).status).toBe(201);
    const refused = await other.customer.post(`/orders/${other.orderId}/cancel`);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ kind: "IllegalOrderTransition", status: "partially-shipped" });
  });

  it("a stock count is corrected up or down, never below what orders hold; the inventory and the book page follow", async () => {
    const book = await stockedBook(admin, 10);
    await paidOrder("holds-stock", [[book, 3]]);
    const placed = await api.as("holds-more");
    await placed.post("/cart/items", { bookId: book, quantity: 4 });
    expect((await placed.post("/checkout", { shippingAddress: SHIP_TO })).status).toBe(201); // 4 held, unpaid
    // On hand 7 (3 left paid), 4 of them held: 3 may be written off, not 4.
    const tooMuch = await warehouse.post(`/inventory/${book}/adjustments`, { delta: -4, reason: "water damage" });
    expect(tooMuch.status).toBe(409);
    expect(tooMuch.body).toMatchObject({ kind: "StockBelowReserved", available: 3, delta: -4 });
    expect((await warehouse.post(`/inventory/${book}/adjustments`, { delta: -3, reason: "water damage" })).status).toBe(200);
    expect((await admin.post(`/inventory/${book}/adjustments`, { delta: 2, reason: "found in the back room" })).status).toBe(200);
    expect((await admin.post(`/inventory/${book}/adjustments`, { delta: 0, reason: "nothing" })).body).toMatchObject({ status: 400, errors: [{ pointer: "#/delta" }] });
    expect((await admin.post(`/inventory/${book}/adjustments`, { delta: 1, reason: " " })).status).toBe(400);
    expect((await (await api.as("shopper")).post(`/inventory/${book}/adjustments`, { delta: 1, reason: "x" })).status).toBe(403);
    await expectAvailable(admin, book, 2);
    await expect.poll(async () => (await admin.get(`/inventory/${book}`)).body, VISIBLE_WITHIN).toMatchObject({ onHand: 6, reserved: 4, available: 2 });
    expect(await eventTypes(admin, streams.inventory(book))).toEqual(["StockReceived", "StockAdjusted", "StockAdjusted"]);
  });
});
