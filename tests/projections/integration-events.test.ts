import { isRight } from "fp-ts/lib/Either.js";
import type * as t from "io-ts";
import { ulid } from "ulid";
import { beforeAll, describe, expect, it } from "vitest";
import { streams } from "../../events/index.js";
import { createProjector } from "../../handlers/stream/projector.js";
import { createStreamPoller } from "../../local/stream-poller.js";
import { inProcessBus, type IntegrationBus, type IntegrationEvent, type IntegrationPorts } from "../../projections/integration-bus.js";
import { IntegrationDetailCodec, integrationDataCodecs, type IntegrationDetailType } from "../../projections/integration-contract.js";
import { integrationEvents } from "../../projections/integration-events.js";
import type { ViewPorts } from "../../projections/ports.js";
import { addBook, asAdmin, asCustomer, freshCommands, ok, type CommandsFixture } from "../support/commands-fixture.js";
import { eventsOf, freshViews, streamEvent, streamsClient } from "../support/projections-fixture.js";
import { SHIP_TO } from "../kit/ship-to.js";

let f: CommandsFixture;
beforeAll(async () => {
  f = await freshCommands("integration");
});

const THRESHOLD = 5;
type Ports = ViewPorts & IntegrationPorts;
const portsWith = async (bus: IntegrationBus): Promise<Ports> => ({
  views: await freshViews("integration"),
  integration: { bus, stockLowThreshold: THRESHOLD },
});
const pollerFor = (ports: Ports) =>
  createStreamPoller({ dynamo: f.client, streams: streamsClient(), eventsTable: f.names.events, projections: [integrationEvents], ports, retryDelayMs: 5 });

const buy = async (bookId: string, quantity: number) => {
  const customerId = ulid();
  const orderId = ulid();
  ok(await f.commands.handle({ type: "AddCartItem", customerId, bookId, quantity }, asCustomer(customerId)));
  ok(await f.commands.handle({ type: "Checkout", shippingAddress: SHIP_TO, customerId, orderId, paymentToken: "tok_visa" }, asCustomer(customerId)));
  return { customerId, orderId };
};

/** Checks an event against the published contract and gives back its type and data. */
const decoded = (e: IntegrationEvent) => {
  const detail = IntegrationDetailCodec.decode(e.detail);
  if (!isRight(detail)) throw new Error(`detail breaks the contract: ${JSON.stringify(e.detail)}`);
  const type = e.detailType as IntegrationDetailType;
  const codec: t.Decoder<unknown, Record<string, unknown>> = integrationDataCodecs[type];
  const data = codec.decode(detail.right.data);
  if (!isRight(data)) throw new Error(`${type} data breaks the contract: ${JSON.stringify(e.detail.data)}`);
  return { type, source: e.source, data: data.right };
};

/** A book's trading: StockLow on the way below the threshold, twice; four orders, one cancelled. */
const tradeOneBook = async () => {
  const bookId = ulid();
  ok(await f.commands.handle(addBook(bookId, 1200), asAdmin));
  ok(await f.commands.handle({ type: "ReceiveStock", bookId, quantity: 6 }, asAdmin));
  const first = await buy(bookId, 1); // available 5: not below 5
  const second = await buy(bookId, 2); // 3: low
  const third = await buy(bookId, 1); // 2: still low, nothing new
  ok(await f.commands.handle({ type: "CancelOrder", orderId: second.orderId, actor: { role: "customer", customerId: second.customerId } }, asCustomer(second.customerId)));
  ok(await f.commands.handle({ type: "ReceiveStock", bookId, quantity: 10 }, asAdmin)); // 4 back from the cancel, then 14
  const fourth = await buy(bookId, 10); // 4: low again
  return { bookId, orders: [first, second, third, fourth] };
};

describe("integration events", () => {
  it("publishes OrderPlaced, OrderPaid, OrderCancelled and StockLow, versioned, by the contract, each once", async () => {
    const bus = inProcessBus();
    const ports = await portsWith(bus);
    const { bookId, orders } = await tradeOneBook();
    await pollerFor(ports).catchUp();

    const mine = bus.published.map(decoded).filter((e) => ("bookId" in e.data ? e.data.bookId === bookId : orders.some((o) => o.orderId === e.data.orderId)));
    expect(mine.filter((e) => e.type === "StockLow").map((e) => e.data)).toEqual([
      { bookId, available: 3, threshold: THRESHOLD },
      { bookId, available: 4, threshold: THRESHOLD },
    ]);
    for (const [i, { orderId, customerId }] of orders.entries()) {
      const ofOrder = mine.filter((e) => "orderId" in e.data && e.data.orderId === orderId);
      expect(ofOrder.map((e) => e.type)).toEqual(i === 1 ? ["OrderPlaced", "OrderPaid", "OrderCancelled"] : ["OrderPlaced", "OrderPaid"]);
      expect(ofOrder[0]).toMatchObject({ source: "bookstore.orders", data: { orderId, customerId, currency: "EUR", lines: [{ bookId, unitPriceCents: 1200 }] } });
    }
    const ids = bus.published.map((e) => e.detail.eventId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(bus.published.every((e) => e.detail.schemaVersion === 1)).toBe(true);
  });

  it("publishes OrderShipped and OrderDelivered per parcel and ShipmentException, by the contract, and keeps the order's marker moving", async () => {
    const bus = inProcessBus();
    const ports = await portsWith(bus);
    const bookId = ulid();
    ok(await f.commands.handle(addBook(bookId), asAdmin));
    ok(await f.commands.handle({ type: "ReceiveStock", bookId, quantity: 20 }, asAdmin));
    const { orderId } = await buy(bookId, 3);
    const at = "2026-03-02T09:00:00.000Z";
    const ship = (shipmentId: string, quantity: number) =>
      f.commands.handle({ type: "ShipOrder", orderId, shipmentId, carrier: "DHL", trackingNumber: `T-${shipmentId}`, lines: [{ bookId, quantity }], at }, asAdmin);
    ok(await ship("s1", 1));
    ok(await f.commands.handle({ type: "RecordShipmentException", orderId, shipmentId: "s1", note: "delayed at the hub", at }, asAdmin));
    ok(await ship("s2", 2));
    ok(await f.commands.handle({ type: "DeliverShipment", orderId, at }, asAdmin));
    await pollerFor(ports).catchUp();

    const ofOrder = bus.published.map(decoded).filter((e) => e.data.orderId === orderId);
    expect(ofOrder.map((e) => e.type)).toEqual(["OrderPlaced", "OrderPaid", "OrderShipped", "ShipmentException", "OrderShipped", "OrderDelivered", "OrderDelivered"]);
    expect(ofOrder[2]!.data).toEqual({ orderId, shipmentId: "s1", carrier: "DHL", trackingNumber: "T-s1", lines: [{ bookId, quantity: 1 }], shippedAt: at });
    expect(ofOrder[3]!.data).toEqual({ orderId, shipmentId: "s1", note: "delayed at the hub", at });
    expect(ofOrder.slice(5).map((e) => e.data)).toEqual([
      { orderId, shipmentId: "s1", deliveredAt: at },
      { orderId, shipmentId: "s2", deliveredAt: at },
    ]);
  });

  it("a count written down below the threshold publishes StockLow, named after the adjustment", async () => {
    const bus = inProcessBus();
    const ports = await portsWith(bus);
    const bookId = ulid();
    ok(await f.commands.handle(addBook(bookId), asAdmin));
    ok(await f.commands.handle({ type: "ReceiveStock", bookId, quantity: 8 }, asAdmin));
    ok(await f.commands.handle({ type: "AdjustStock", bookId, delta: -2, reason: "recount" }, asAdmin)); // 6: not low
    ok(await f.commands.handle({ type: "AdjustStock", bookId, delta: -3, reason: "water damage" }, asAdmin)); // 3: low
    await pollerFor(ports).catchUp();
    const low = bus.published.filter((e) => e.detailType === "StockLow" && e.detail.data.bookId === bookId);
    const [, , adjusted] = await eventsOf(f.store, [streams.inventory(bookId)]);
    expect(low.map((e) => [e.detail.data, e.detail.eventId])).toEqual([[{ bookId, available: 3, threshold: THRESHOLD }, `${adjusted!.eventId}.StockLow`]]);
  });

  it("publishes nothing again when a batch is delivered again", async () => {
    const bus = inProcessBus();
    const ports = await portsWith(bus);
    const { bookId, orders } = await tradeOneBook();
    const events = await eventsOf(f.store, [streams.inventory(bookId), ...orders.flatMap((o) => [streams.order(o.orderId), streams.reservation(o.orderId)])]);
    const projector = createProjector(integrationEvents, ports);
    expect((await projector(streamEvent(events))).batchItemFailures).toEqual([]);
    const once = bus.published.length;
    expect(once).toBe(2 + 4 * 2 + 1);
    expect((await projector(streamEvent(events))).batchItemFailures).toEqual([]);
    expect(bus.published).toHaveLength(once);
  });

  it("holds an order's event that comes before its predecessor, then publishes both in stream order", async () => {
    const bus = inProcessBus();
    const ports = await portsWith(bus);
    const bookId = ulid();
    ok(await f.commands.handle(addBook(bookId), asAdmin));
    ok(await f.commands.handle({ type: "ReceiveStock", bookId, quantity: 20 }, asAdmin));
    const { orderId } = await buy(bookId, 1);
    const [placed, paid] = await eventsOf(f.store, [streams.order(orderId)]);
    if (placed === undefined || paid === undefined) throw new Error("placed and paid expected");
    const projector = createProjector(integrationEvents, ports);

    expect((await projector(streamEvent([paid]))).batchItemFailures).toHaveLength(1);
    expect(bus.published).toEqual([]);
    expect((await projector(streamEvent([placed, paid]))).batchItemFailures).toEqual([]);
    expect(bus.published.map((e) => [e.detailType, e.detail.streamVersion])).toEqual([
      ["OrderPlaced", 1],
      ["OrderPaid", 2],
    ]);
  });

  it("after a failure between publishing and recording it, publishes again with the same event ids (consumers dedupe on them)", async () => {
    const recorded = inProcessBus();
    let failures = 1;
    // Publishes, then fails as a process would that dies before it records what it sent.
    const bus: IntegrationBus = {
      publish: async (events) => {
        await recorded.publish(events);
        if (events.length > 0 && failures-- > 0) throw new Error("lost after publishing");
      },
    };
    const ports = await portsWith(bus);
    const { orders } = await tradeOneBook();
    const events = await eventsOf(f.store, orders.map((o) => streams.order(o.orderId)));
    const projector = createProjector(integrationEvents, ports);
    // The handler retries the batch event by event, which sends the lost part again.
    expect((await projector(streamEvent(events))).batchItemFailures).toEqual([]);

    const ids = recorded.published.map((e) => e.detail.eventId);
    expect(ids.length).toBeGreaterThan(new Set(ids).size);
    expect(new Set(ids)).toEqual(new Set(events.filter((e) => e.type !== "OrderPaymentFailed").map((e) => e.eventId)));
  });
});
