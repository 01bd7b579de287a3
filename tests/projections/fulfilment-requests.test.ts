import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { isRight } from "fp-ts/lib/Either.js";
import { ulid } from "ulid";
import { beforeAll, describe, expect, it } from "vitest";
import { peekQueue } from "../../cli/queue-peek.js";
import { streams, type StoredEvent } from "../../events/index.js";
import { createProjector } from "../../handlers/stream/projector.js";
import { createStreamPoller } from "../../local/stream-poller.js";
import { decodeFulfilmentMessage, type FulfilmentMessage } from "../../projections/fulfilment-contract.js";
import { fulfilmentRequests } from "../../projections/fulfilment-requests.js";
import type { MessageQueue, QueuePorts } from "../../projections/message-queue.js";
import type { ViewPorts } from "../../projections/ports.js";
import { addBook, asAdmin, asCustomer, freshCommands, ok, type CommandsFixture } from "../support/commands-fixture.js";
import { eventItem } from "../../store/event-item.js";
import { eventsOf, freshViews, streamEvent, streamRecord, streamsClient } from "../support/projections-fixture.js";
import { runCli } from "../support/run-cli.js";
import { freshQueues, type FreshQueues } from "../support/sqs.js";

let f: CommandsFixture;
let bookIds: [string, string];
beforeAll(async () => {
  f = await freshCommands("fulfilment");
  bookIds = [ulid(), ulid()];
  for (const [i, bookId] of bookIds.entries()) {
    ok(await f.commands.handle(addBook(bookId, 1000 + 100 * i), asAdmin));
    ok(await f.commands.handle({ type: "ReceiveStock", bookId, quantity: 1000 }, asAdmin));
  }
});

type Ports = ViewPorts & QueuePorts;
/** Views and queues of their own: what one test sends is all its queue holds. */
const fresh = async (): Promise<{ ports: Ports; sqs: FreshQueues }> => {
  const sqs = await freshQueues("fulfilment");
  return { ports: { views: await freshViews("fulfilment"), queues: sqs.queues }, sqs };
};
const pollerFor = (ports: Ports) =>
  createStreamPoller({ dynamo: f.client, streams: streamsClient(), eventsTable: f.names.events, projections: [fulfilmentRequests], ports, retryDelayMs: 5 });

/** Where the orders of this file go: every field of the contract's address, optional ones too. */
const address = { name: "Grace Hopper", line1: "1 Harbour Street", line2: "Flat 3", city: "Arlington", postalCode: "22201", region: "VA", country: "US", phone: "+1 555 0100" };

/** Book 0 × 2 and book 1 × 1; paid when given a token. */
const order = async (paymentToken?: string) => {
  const customerId = ulid();
  const orderId = ulid();
  ok(await f.commands.handle({ type: "AddCartItem", customerId, bookId: bookIds[0], quantity: 2 }, asCustomer(customerId)));
  ok(await f.commands.handle({ type: "AddCartItem", customerId, bookId: bookIds[1], quantity: 1 }, asCustomer(customerId)));
  ok(await f.commands.handle({ type: "Checkout", customerId, orderId, shippingAddress: address, ...(paymentToken === undefined ? {} : { paymentToken }) }, asCustomer(customerId)));
  return { customerId, orderId };
};
const cancel = async ({ customerId, orderId }: { customerId: string; orderId: string }) =>
  ok(await f.commands.handle({ type: "CancelOrder", orderId, actor: { role: "customer", customerId } }, asCustomer(customerId)));

/**
 * Every message waiting in the queue, decoded by the contract, with what SQS keeps beside it; of
 * these orders only, when given (a poller reads the whole table, other tests' orders too).
 */
const waiting = async (sqs: FreshQueues, orderIds?: readonly string[]) =>
  (await peekQueue(sqs.client, sqs.urls.fulfilment)).filter((m) => orderIds === undefined || orderIds.includes(m.groupId ?? "")).map((m) => {
    const decoded = decodeFulfilmentMessage(m.body);
    if (!isRight(decoded)) throw new Error(`a message breaks the contract: ${m.body}`);
    return { groupId: m.groupId, deduplicationId: m.deduplicationId, message: decoded.right };
  });

const orderEvents = (orderIds: readonly string[]) => eventsOf(f.store, orderIds.map((id) => streams.order(id)));
const ofType = (events: readonly StoredEvent[], type: StoredEvent["type"]) => events.filter((e) => e.type === type);

describe("fulfilment requests", () => {
  it("sends one FulfilmentRequested for a paid order, grouped by the order, with its lines, address and times", async () => {
    const { ports, sqs } = await fresh();
    const { orderId } = await order("tok_visa");
    await pollerFor(ports).catchUp();

    const [placed, paid] = [ofType(await orderEvents([orderId]), "OrderPlaced")[0]!, ofType(await orderEvents([orderId]), "OrderPaid")[0]!];
    expect(await waiting(sqs, [orderId])).toEqual([
      {
        groupId: orderId,
        deduplicationId: paid.eventId,
        message: {
          type: "FulfilmentRequested",
          version: 1,
          messageId: paid.eventId,
          orderId,
          lines: [
            { bookId: bookIds[0], title: `Book ${bookIds[0]}`, quantity: 2 },
            { bookId: bookIds[1], title: `Book ${bookIds[1]}`, quantity: 1 },
          ],
          shippingAddress: address,
          placedAt: placed.type === "OrderPlaced" ? placed.data.placedAt : "",
          paidAt: paid.occurredAt,
        } satisfies FulfilmentMessage,
      },
    ]);
  });

  it("sends one message per order when the same stream batch is delivered twice, one after the other or at once", async () => {
    const orders = [await order("tok_visa"), await order("tok_visa"), await order("tok_visa")];
    const events = await orderEvents(orders.map((o) => o.orderId));

    const { ports, sqs } = await fresh();
    const projector = createProjector(fulfilmentRequests, ports);
    expect((await projector(streamEvent(events))).batchItemFailures).toEqual([]);
    expect((await projector(streamEvent(events))).batchItemFailures).toEqual([]);
    expect((await waiting(sqs)).map((m) => m.groupId).sort()).toEqual(orders.map((o) => o.orderId).sort());

    // Two deliveries racing both send before either records it: the queue drops the second by its deduplication id.
    const racing = await fresh();
    const [a, b] = [createProjector(fulfilmentRequests, racing.ports), createProjector(fulfilmentRequests, racing.ports)];
    const results = await Promise.all([a(streamEvent(events)), b(streamEvent(events))]);
    expect(results.map((r) => r.batchItemFailures)).toEqual([[], []]);
    expect((await waiting(racing.sqs)).map((m) => m.groupId).sort()).toEqual(orders.map((o) => o.orderId).sort());
  });

  it("records no order as sent before the queue took its message: a send that fails part-way sends only the rest again", async () => {
    const orders = [await order("tok_visa"), await order("tok_visa"), await order("tok_visa")];
    const events = await orderEvents(orders.map((o) => o.orderId));
    const { ports, sqs } = await fresh();
    const refused = orders[1]!.orderId;
    // The queue takes every message but the refused order's, tells which it took, then fails the send.
    const failing: MessageQueue = {
      send: async (messages, acknowledged) => {
        await ports.queues.fulfilment.send(messages.filter((m) => m.groupId !== refused), acknowledged);
        throw new Error("SQS refused a message");
      },
    };
    const first = await createProjector(fulfilmentRequests, { ...ports, queues: { fulfilment: failing } })(streamEvent(events));
    expect(first.batchItemFailures).not.toEqual([]);

    const sentAgain: string[] = [];
    const recording: MessageQueue = {
      send: async (messages, acknowledged) => {
        sentAgain.push(...messages.map((m) => m.groupId));
        await ports.queues.fulfilment.send(messages, acknowledged);
      },
    };
    const second = await createProjector(fulfilmentRequests, { ...ports, queues: { fulfilment: recording } })(streamEvent(events));
    expect(second.batchItemFailures).toEqual([]);
    expect(sentAgain).toEqual([refused]);
    expect((await waiting(sqs)).map((m) => m.groupId).sort()).toEqual(orders.map((o) => o.orderId).sort());
  });

  it("reads a view again that another process moved on, rather than take what it wrote last for a gap", async () => {
    const { ports, sqs } = await fresh();
    const { orderId } = await order("tok_visa");
    const projector = createProjector(fulfilmentRequests, ports);
    expect((await projector(streamEvent(await orderEvents([orderId])))).batchItemFailures).toEqual([]);
    const shipmentId = ulid();
    const at = new Date().toISOString();
    ok(await f.commands.handle({ type: "ShipOrder", orderId, shipmentId, carrier: "DHL", trackingNumber: "JD0002", at }, asAdmin));
    ok(await f.commands.handle({ type: "DeliverShipment", orderId, shipmentId, at }, asAdmin));
    const events = await orderEvents([orderId]);
    expect(events.map((e) => e.type)).toEqual(["OrderPlaced", "OrderPaid", "ShipmentDispatched", "OrderShipped", "ShipmentDelivered", "OrderDelivered"]);
    // Another instance of the projector applied versions 3 and 4: this process never heard of it.
    const shipped = events[3]!;
    await ports.views.client.send(
      new PutCommand({ TableName: ports.views.tableName, Item: { pk: `fulfilment#${orderId}`, sk: "request", streamId: shipped.streamId, version: 4, updatedAt: shipped.occurredAt, state: { stage: "shipped" } } }),
    );

    // Straight to the projection: the projector would hide a wrongly seen gap by applying the events one by one.
    await expect(fulfilmentRequests.apply(events.slice(4), ports)).resolves.toBeUndefined();
    const stored = await ports.views.client.send(new GetCommand({ TableName: ports.views.tableName, Key: { pk: `fulfilment#${orderId}`, sk: "request" } }));
    expect(stored.Item).toMatchObject({ version: 6, state: { stage: "closed" } });
    expect((await waiting(sqs, [orderId])).map((m) => m.message.type)).toEqual(["FulfilmentRequested"]);
  });

  it("sends FulfilmentCancelled after the request when a paid order is cancelled, in the order's group", async () => {
    const { ports, sqs } = await fresh();
    const paidThenCancelled = await order("tok_visa");
    await cancel(paidThenCancelled);
    await pollerFor(ports).catchUp();

    const cancelled = ofType(await orderEvents([paidThenCancelled.orderId]), "OrderCancelled")[0]!;
    const got = await waiting(sqs, [paidThenCancelled.orderId]);
    expect(got.map((m) => [m.groupId, m.message.type])).toEqual([
      [paidThenCancelled.orderId, "FulfilmentRequested"],
      [paidThenCancelled.orderId, "FulfilmentCancelled"],
    ]);
    expect(got[1]).toEqual({
      groupId: paidThenCancelled.orderId,
      deduplicationId: cancelled.eventId,
      message: {
        type: "FulfilmentCancelled",
        version: 1,
        messageId: cancelled.eventId,
        orderId: paidThenCancelled.orderId,
        cancelledAt: cancelled.occurredAt,
        reason: cancelled.type === "OrderCancelled" ? cancelled.data.reason : "",
      },
    });
  });

  it("sends nothing for an order cancelled before it was paid, nor a cancellation once a parcel has left", async () => {
    const { ports, sqs } = await fresh();
    const unpaid = await order();
    await cancel(unpaid);
    const shipped = await order("tok_visa");
    const parcel = { orderId: shipped.orderId, shipmentId: ulid(), carrier: "DHL", trackingNumber: "JD0001", at: new Date().toISOString() };
    ok(await f.commands.handle({ type: "ShipOrder", ...parcel, lines: [{ bookId: bookIds[0], quantity: 1 }] }, asAdmin));
    const shippedEvents = await orderEvents([shipped.orderId]);
    expect(shippedEvents.map((e) => e.type)).toEqual(["OrderPlaced", "OrderPaid", "ShipmentDispatched"]);
    // The order refuses a cancellation now; were one in its stream all the same, the warehouse would not hear of it.
    const cancelled = { ...shippedEvents[1]!, eventId: ulid(), version: 4, type: "OrderCancelled", data: { orderId: shipped.orderId, reason: "changed my mind", by: "admin" } } as StoredEvent;
    const unpaidEvents = await orderEvents([unpaid.orderId]);
    expect(unpaidEvents.map((e) => e.type)).toEqual(["OrderPlaced", "OrderCancelled"]);

    const projector = createProjector(fulfilmentRequests, ports);
    expect((await projector(streamEvent([...unpaidEvents, ...shippedEvents, cancelled]))).batchItemFailures).toEqual([]);
    expect((await waiting(sqs)).map((m) => [m.groupId, m.message.type])).toEqual([[shipped.orderId, "FulfilmentRequested"]]);
  });

  it("asks for an order placed before orders had addresses to be shipped to no address (null)", async () => {
    const { ports, sqs } = await fresh();
    const { orderId } = await order("tok_visa");
    const [placed, paid] = await orderEvents([orderId]);
    if (placed?.type !== "OrderPlaced") throw new Error("OrderPlaced expected");
    // As such an order's OrderPlaced was stored: schema version 1, no address at all.
    const { shippingAddress: _none, ...v1 } = placed.data;
    const oldPlaced = streamRecord({ ...eventItem(placed, 4), schemaVersion: 1, data: v1 });
    const projector = createProjector(fulfilmentRequests, ports);
    expect((await projector({ Records: [oldPlaced, ...streamEvent([paid!]).Records] })).batchItemFailures).toEqual([]);
    expect((await waiting(sqs)).map((m) => m.message)).toEqual([expect.objectContaining({ type: "FulfilmentRequested", orderId, shippingAddress: null })]);
  });

  it("a replay sends nothing, and a rebuild is refused", async () => {
    const { orderId } = await order("tok_visa");
    const { ports, sqs } = await fresh();
    const target = { eventsTable: f.names.events, viewsTable: ports.views.tableName, redisPrefix: `fulfilment-${ulid()}:`, queuePrefix: sqs.prefix };

    const replay = await runCli(["replay", "fulfilment-requests"], target);
    expect(replay.stderr).not.toMatch(/error/i);
    expect(replay.code).toBe(0);
    const rebuild = await runCli(["rebuild", "fulfilment-requests"], target);
    expect(rebuild.code).toBe(2);
    expect(rebuild.stderr).toMatch(/publishes to other systems/);
    expect(await waiting(sqs)).toEqual([]);

    // The replay moved the order on: the live projector, given its events again, sends nothing either.
    const projector = createProjector(fulfilmentRequests, ports);
    expect((await projector(streamEvent(await orderEvents([orderId])))).batchItemFailures).toEqual([]);
    expect(await waiting(sqs)).toEqual([]);
  });

  it("bookstore fulfilment requests lists what waits in the queue, decoded, and leaves it there", async () => {
    const { ports, sqs } = await fresh();
    const paid = await order("tok_visa");
    const cancelled = await order("tok_visa");
    await cancel(cancelled);
    expect((await createProjector(fulfilmentRequests, ports)(streamEvent(await orderEvents([paid.orderId, cancelled.orderId])))).batchItemFailures).toEqual([]);
    const target = { eventsTable: f.names.events, viewsTable: ports.views.tableName, redisPrefix: `fulfilment-${ulid()}:`, queuePrefix: sqs.prefix };

    const listed = await runCli(["fulfilment", "requests"], target);
    expect(listed.code).toBe(0);
    expect(listed.stderr).toMatch(/^3 message\(s\) waiting$/m);
    const rows = listed.stdout.trim().split("\n");
    expect(rows[0]).toMatch(/^sent\s+type\s+order\s+receives\s+what$/);
    expect(rows.slice(1).map((r) => r.split(/\s{2,}/).slice(1, 3))).toEqual(
      expect.arrayContaining([
        ["FulfilmentRequested", paid.orderId],
        ["FulfilmentRequested", cancelled.orderId],
        ["FulfilmentCancelled", cancelled.orderId],
      ]),
    );
    expect(rows.find((r) => r.includes(paid.orderId))).toMatch(/2 line\(s\), 3 unit\(s\), to Grace Hopper, Arlington US, paid \d{4}-/);

    const json = await runCli(["fulfilment", "requests", "--json"], target);
    expect(json.code).toBe(0);
    const lines = json.stdout.trim().split("\n").map((l) => JSON.parse(l) as { groupId: string; receiveCount: number; message: FulfilmentMessage });
    expect(lines.map((l) => [l.groupId, l.message.type]).filter(([g]) => g === cancelled.orderId)).toEqual([
      [cancelled.orderId, "FulfilmentRequested"],
      [cancelled.orderId, "FulfilmentCancelled"],
    ]);
    // Listed twice, taken never: each message has been received once a listing.
    expect(lines.map((l) => l.receiveCount)).toEqual([2, 2, 2]);
    expect((await waiting(sqs)).length).toBe(3);
  });
});
