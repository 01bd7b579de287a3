import { ConditionalCheckFailedException, TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { Client } from "@opensearch-project/opensearch";
import { monotonicFactory, ulid } from "ulid";
import { describe, expect, inject, it } from "vitest";
import { currentSchemaVersion, event, streams, type DomainEvent, type StoredEvent, type StreamId } from "../../events/index.js";
import { createProjector } from "../../handlers/stream/projector.js";
import { ensureBookIndex } from "../../projections/book-index.js";
import { bookSearch, documentVersion, getBook } from "../../projections/book-search.js";
import { inProcessBus, type IntegrationBus, type IntegrationPorts } from "../../projections/integration-bus.js";
import { integrationEvents } from "../../projections/integration-events.js";
import { getInventory, inventoryView } from "../../projections/inventory-view.js";
import type { SearchPorts, ViewPorts, ViewsPort } from "../../projections/ports.js";
import { freshViews, streamEvent } from "../support/projections-fixture.js";
import { dumpIndex, dumpViews } from "../support/read-model-dump.js";

/**
 * A book's stock comes from its own inventory stream and from the reservation stream of every
 * order that names it. These tests build such events directly, on the streams where the
 * command side writes them, and feed them to the projections as the event source mapping does.
 */

const newId = monotonicFactory();
let clock = Date.parse("2026-03-01T10:00:00.000Z");

/** A stream that numbers the events it is given, each a second after the one before. */
const stream = (streamId: StreamId) => {
  let version = 0;
  return (e: DomainEvent): StoredEvent =>
    ({
      ...e,
      eventId: newId(),
      schemaVersion: currentSchemaVersion(e.type),
      streamId,
      version: ++version,
      occurredAt: new Date((clock += 1000)).toISOString(),
      meta: { correlationId: "corr-test", causationId: "cause-test", actor: "test", commandId: ulid() },
    }) as StoredEvent;
};

const received = (bookId: string, quantity: number) => event("StockReceived", { bookId, quantity });
const adjusted = (bookId: string, delta: number) => event("StockAdjusted", { bookId, delta, reason: "recount" });
const reserved = (bookId: string, orderId: string, quantity: number) => event("StockReserved", { bookId, orderId, quantity });
const committed = (bookId: string, orderId: string, quantity: number) => event("ReservationCommitted", { bookId, orderId, quantity });
const released = (bookId: string, orderId: string, quantity: number) => event("ReservationReleased", { bookId, orderId, quantity });
const returned = (bookId: string, orderId: string, quantity: number) => event("StockReturned", { bookId, orderId, quantity });
const bookAdded = (bookId: string) =>
  event("BookAdded", { bookId, title: `Book ${bookId}`, authors: ["A. Author"], isbn: "9780000000002", category: "fiction", description: "A book.", priceCents: 1000, currency: "EUR" });

/** An order's reservation stream: `lines` reserved (one event per book line), then each line's outcome. */
const order = (lines: readonly (readonly [string, number])[], outcome: "committed" | "released" | "open" | "returned") => {
  const orderId = ulid();
  const on = stream(streams.reservation(orderId));
  const events = lines.map(([b, q]) => on(reserved(b, orderId, q)));
  if (outcome !== "open") events.push(...lines.map(([b, q]) => on(outcome === "released" ? released(b, orderId, q) : committed(b, orderId, q))));
  if (outcome === "returned") events.push(...lines.map(([b, q]) => on(returned(b, orderId, q))));
  return { orderId, events };
};

const byEventId = (events: readonly StoredEvent[]) => [...events].sort((a, b) => a.eventId.localeCompare(b.eventId));

type Project = ReturnType<typeof createProjector>;

/**
 * Delivers batches side by side, as parallel invocations would, each again from its first
 * reported failure (as the mapping does) until every record is done.
 */
const deliver = async (project: Project, batches: readonly (readonly StoredEvent[])[], maxRounds = 30): Promise<number> => {
  let pending = batches.map((b) => streamEvent(b).Records).filter((r) => r.length > 0);
  let failures = 0;
  for (let round = 0; pending.length > 0; round++) {
    if (round === maxRounds) throw new Error(`still failing after ${maxRounds} deliveries`);
    const outcomes = await Promise.all(pending.map(async (records) => ({ records, failed: (await project({ Records: records })).batchItemFailures })));
    failures += outcomes.reduce((n, o) => n + o.failed.length, 0);
    pending = outcomes.flatMap(({ records, failed }) => {
      const first = records.findIndex((r) => r.dynamodb?.SequenceNumber === failed[0]?.itemIdentifier);
      return failed.length === 0 ? [] : [records.slice(first)];
    });
  }
  return failures;
};

/** Writes another writer got to first: counted, to show the races did happen. */
let lostRaces = 0;
const counted = (views: ViewsPort): ViewsPort => {
  const send = views.client.send.bind(views.client) as (command: unknown) => Promise<unknown>;
  const client = new Proxy(views.client, {
    get: (target, name, receiver) =>
      name === "send"
        ? async (command: unknown) => {
            try {
              return await send(command);
            } catch (e) {
              if (e instanceof ConditionalCheckFailedException || e instanceof TransactionCanceledException) lostRaces += 1;
              throw e;
            }
          }
        : Reflect.get(target, name, receiver),
  });
  return { ...views, client };
};

const viewPorts = async (): Promise<ViewPorts> => ({ views: counted(await freshViews("stock")) });
const searchPorts = async (): Promise<ViewPorts & SearchPorts> => {
  const client = new Client({ node: inject("openSearchUrl") });
  const index = `books-stock-${ulid().toLowerCase()}`;
  await ensureBookIndex(client, index);
  return { views: counted(await freshViews("stock-search")), search: { client, index } };
};
const integrationPorts = async (threshold: number, bus: IntegrationBus = inProcessBus()): Promise<ViewPorts & IntegrationPorts> => ({
  views: counted(await freshViews("stock-integration")),
  integration: { bus, stockLowThreshold: threshold },
});

/** What the search index holds of a book: its available copies and the document's external version. */
const searchedStock = async ({ search }: SearchPorts, bookId: string) => {
  const doc = await search.client.get({ index: search.index, id: bookId });
  const body = doc.body as { _version: number; _source: { available: number } };
  return { available: body._source.available, version: body._version };
};

/** Two books: b1 sold to four orders (one of them also buys b2), b2 to one. */
const twoBooks = () => {
  const [b1, b2] = [ulid(), ulid()];
  const inv1 = stream(streams.inventory(b1));
  const inv2 = stream(streams.inventory(b2));
  const stock = [inv1(received(b1, 10)), inv2(received(b2, 8)), inv1(received(b1, 5))];
  const paid = order([[b1, 2], [b2, 1]], "committed"); // b1 -2 on hand, b2 -1 on hand
  const cancelled = order([[b1, 3]], "released"); // nothing
  const refunded = order([[b1, 1]], "returned"); // nothing in the end
  const open = order([[b1, 4]], "open"); // b1: 4 reserved
  stock.push(inv1(adjusted(b1, -1)));
  const events = byEventId([...stock, ...paid.events, ...cancelled.events, ...refunded.events, ...open.events]);
  return {
    b1,
    b2,
    events,
    expected: [
      { bookId: b1, onHand: 12, reserved: 4, available: 8, version: 3 },
      { bookId: b2, onHand: 7, reserved: 0, available: 7, version: 1 },
    ],
  };
};

/** A hot book: 20 orders of 1 copy each, from stock of `stock`, plus a second book on every other order. */
const hotBook = (stock: number) => {
  const [hot, side] = [ulid(), ulid()];
  const onHot = stream(streams.inventory(hot));
  const onSide = stream(streams.inventory(side));
  const receipts = [onHot(received(hot, stock)), onSide(received(side, 50))];
  const orders = Array.from({ length: 20 }, (_, i) => order(i % 2 === 0 ? [[hot, 1], [side, 2]] : [[hot, 1]], i % 5 === 4 ? "released" : "committed"));
  return { hot, side, receipts, orders, events: byEventId(orders.flatMap((o) => o.events)) };
};

/** Interleaved batches of `events` (every `n`th event from each start), each overlapping the next by `overlap` more events. */
const interleaved = (events: readonly StoredEvent[], n: number, overlap: number) =>
  Array.from({ length: n }, (_, k) => events.filter((_, i) => i % n === k || (i % n === (k + 1) % n && i % overlap === 0)));

describe("stock summed over a book's inventory stream and its orders' reservation streams", () => {
  it("sums every source of each book, and reports the inventory stream's version", async () => {
    const { b1, b2, events, expected } = twoBooks();
    const ports = await viewPorts();
    expect(await deliver(createProjector(inventoryView, ports), [events])).toBe(0);
    expect([await getInventory(ports.views, b1), await getInventory(ports.views, b2)]).toEqual(expected);
  });

  it("applies a redelivered batch, repeats within a batch and a batch out of order exactly once", async () => {
    const { b1, b2, events, expected } = twoBooks();
    const ports = await viewPorts();
    const project = createProjector(inventoryView, ports);
    // Backwards within one batch: each source's events are put in order before they are folded.
    expect(await deliver(project, [[...events].reverse()])).toBe(0);
    await deliver(project, [events]);
    await deliver(project, [events.flatMap((e) => [e, e])]);
    await deliver(project, [events.slice(0, 5)]);
    expect([await getInventory(ports.views, b1), await getInventory(ports.views, b2)]).toEqual(expected);
  });

  it("fails an event whose predecessor in its reservation stream has not come, and converges once it has", async () => {
    const { b1, b2, events, expected } = twoBooks();
    const ports = await viewPorts();
    const project = createProjector(inventoryView, ports);
    // Newest first, each in a delivery of its own; what fails comes again, in the same order.
    let pending = [...events].reverse();
    let failed = 0;
    for (let round = 0; pending.length > 0; round++) {
      if (round === 30) throw new Error("did not converge");
      const outcomes = [];
      for (const e of pending) outcomes.push({ e, failed: (await project(streamEvent([e]))).batchItemFailures.length > 0 });
      pending = outcomes.filter((o) => o.failed).map((o) => o.e);
      failed += pending.length;
    }
    expect(failed).toBeGreaterThan(0);
    expect([await getInventory(ports.views, b1), await getInventory(ports.views, b2)]).toEqual(expected);
  });

  it("holds the reserved copies of an early reservation event out of the total until its predecessor is applied", async () => {
    const bookId = ulid();
    const [first, second] = order([[bookId, 2]], "committed").events;
    if (first === undefined || second === undefined) throw new Error("two events expected");
    const inventory = stream(streams.inventory(bookId));
    const ports = await viewPorts();
    const project = createProjector(inventoryView, ports);
    expect((await project(streamEvent([inventory(received(bookId, 5)), second]))).batchItemFailures).toHaveLength(1);
    expect(await getInventory(ports.views, bookId)).toEqual({ bookId, onHand: 5, reserved: 0, available: 5, version: 1 });
    expect((await project(streamEvent([first, second]))).batchItemFailures).toEqual([]);
    expect(await getInventory(ports.views, bookId)).toEqual({ bookId, onHand: 3, reserved: 0, available: 3, version: 1 });
  });

  it("replayed into an empty model in another order and batching, stores exactly what live delivery stored", async () => {
    const { events } = twoBooks();
    const live = await viewPorts();
    await deliver(createProjector(inventoryView, live), [events]);
    const replayed = await viewPorts();
    // One source after another, each in small batches, the last source first.
    const bySource = [...new Set(events.map((e) => e.streamId))].reverse().map((id) => events.filter((e) => e.streamId === id));
    for (const source of bySource) for (let i = 0; i < source.length; i += 2) await deliver(createProjector(inventoryView, replayed), [source.slice(i, i + 2)]);
    expect(await dumpViews(replayed.views)).toEqual(await dumpViews(live.views));
  });

  it("two invocations applying overlapping batches of one hot book's orders at once give exact totals", async () => {
    const { hot, side, receipts, events } = hotBook(100);
    const lostBefore = lostRaces;
    // Two invocations side by side, twice over: batches that split each order between them and share some events.
    const race = (project: Project) => Promise.all([deliver(project, interleaved(events, 2, 3)), deliver(project, interleaved([...events].reverse(), 2, 4))]);
    const views = await viewPorts();
    const inventory = createProjector(inventoryView, views);
    await deliver(inventory, [receipts]);
    await race(inventory);
    // 20 orders of 1 hot copy, 4 of them released; 10 of 2 side copies, 2 of them released.
    expect(await getInventory(views.views, hot)).toEqual({ bookId: hot, onHand: 84, reserved: 0, available: 84, version: 1 });
    expect(await getInventory(views.views, side)).toEqual({ bookId: side, onHand: 34, reserved: 0, available: 34, version: 1 });

    const search = await searchPorts();
    const books = createProjector(bookSearch, search);
    await deliver(books, [[stream(streams.book(hot))(bookAdded(hot)), ...receipts]]);
    await race(books);
    // The receipt and each order's two events: 41 changes of the stock total.
    expect(await searchedStock(search, hot)).toEqual({ available: 84, version: documentVersion(1, 41) });
    expect(lostRaces - lostBefore).toBeGreaterThan(0);
  });

  it("four invocations at once on 20 orders' reservations of one book, each batch redelivered, give exact totals", async () => {
    const { hot, receipts, events } = hotBook(30);
    const lostBefore = lostRaces;
    const ports = await viewPorts();
    const project = createProjector(inventoryView, ports);
    await deliver(project, [receipts]);
    const batches = interleaved(events, 4, 2);
    await Promise.all([...batches, ...batches.map((b) => [...b].reverse())].map((b) => deliver(project, [b])));
    expect(await getInventory(ports.views, hot)).toEqual({ bookId: hot, onHand: 14, reserved: 0, available: 14, version: 1 });
    expect(lostRaces - lostBefore).toBeGreaterThan(0);
  });

});

describe("StockLow from a book's summed stock", () => {
  const THRESHOLD = 5;
  const lows = (bus: ReturnType<typeof inProcessBus>) => bus.published.filter((e) => e.detailType === "StockLow");

  it("publishes one StockLow per crossing, named after the event that crossed, however the orders' batches race", async () => {
    const bookId = ulid();
    const inventory = stream(streams.inventory(bookId));
    // Stock only goes down between receipts: each phase crosses the threshold once, in whatever order its orders apply.
    const phase = (stock: number) => ({ receipt: inventory(received(bookId, stock)), orders: Array.from({ length: 10 }, () => order([[bookId, 1]], "committed")) });
    const phases = [phase(11), phase(10)];
    const bus = inProcessBus();
    const ports = await integrationPorts(THRESHOLD, bus);
    const project = createProjector(integrationEvents, ports);
    for (const { receipt, orders } of phases) {
      await deliver(project, [[receipt]]);
      const events = byEventId(orders.flatMap((o) => o.events));
      await Promise.all([deliver(project, interleaved(events, 2, 3)), deliver(project, interleaved([...events].reverse(), 3, 2))]);
    }
    const published = lows(bus);
    const ids = new Set(published.map((e) => e.detail.eventId));
    expect(ids.size).toBe(2);
    // 11 and then 1 + 10 copies, one reserved by each order: each crossing leaves 4.
    expect(published.map((e) => e.detail.data)).toEqual(published.map(() => ({ bookId, available: 4, threshold: THRESHOLD })));
    const crossed = phases.flatMap((p) => p.orders.flatMap((o) => o.events)).filter((e) => ids.has(`${e.eventId}.StockLow`));
    expect(crossed.map((e) => e.type)).toEqual(["StockReserved", "StockReserved"]);

    // Delivered again, nothing crosses again.
    const before = bus.published.length;
    await deliver(project, [byEventId(phases.flatMap((p) => [p.receipt, ...p.orders.flatMap((o) => o.events)]))]);
    expect(bus.published).toHaveLength(before);
  });

  it("after a failure between a crossing's write and its publication, publishes it on redelivery with the same id, once written", async () => {
    const bookId = ulid();
    const inventory = stream(streams.inventory(bookId));
    const recorded = inProcessBus();
    let failures = 1;
    const bus: IntegrationBus = {
      publish: async (events) => {
        await recorded.publish(events);
        if (events.length > 0 && failures-- > 0) throw new Error("lost after publishing");
      },
    };
    const ports = await integrationPorts(THRESHOLD, bus);
    const receipt = inventory(received(bookId, 6));
    const sale = order([[bookId, 3]], "committed");
    const project = createProjector(integrationEvents, ports);
    // The batch fails at its first publication, and is applied again event by event.
    await deliver(project, [[receipt, ...sale.events]]);
    const published = lows(recorded);
    expect(published.length).toBeGreaterThan(1);
    expect(new Set(published.map((e) => e.detail.eventId))).toEqual(new Set([`${sale.events[0]!.eventId}.StockLow`]));
    // Once published, the outbox is emptied: nothing is left to publish again.
    const items = await dumpViews(ports.views);
    expect(items.filter((i) => "outbox" in i)).toEqual([]);
    const before = recorded.published.length;
    await deliver(project, [[...sale.events]]);
    expect(recorded.published).toHaveLength(before);
  });
});

describe("the search document's stock", () => {
  it("shows the summed available copies, and its version grows with each change of the book or of its stock from any source", async () => {
    const ports = await searchPorts();
    const project = createProjector(bookSearch, ports);
    const bookId = ulid();
    const book = stream(streams.book(bookId));
    const inventory = stream(streams.inventory(bookId));
    const doc = async () => {
      const got = await ports.search.client.get({ index: ports.search.index, id: bookId });
      const body = got.body as { _version: number; _source: { available: number; inStock: boolean } };
      return { available: body._source.available, inStock: body._source.inStock, version: body._version };
    };
    const first = order([[bookId, 2]], "committed");
    const second = order([[bookId, 3]], "released");
    const steps: [readonly StoredEvent[], number][] = [
      [[book(bookAdded(bookId))], 0],
      [[inventory(received(bookId, 5))], 5],
      [first.events.slice(0, 1), 3],
      [second.events.slice(0, 1), 0],
      [first.events.slice(1), 0], // a commit: the copies leave the shelf, available stays
      [[book(event("BookPriceChanged", { bookId, priceCents: 900, currency: "EUR" }))], 0],
      [second.events.slice(1), 3],
    ];
    const versions: number[] = [];
    for (const [events, available] of steps) {
      expect(await deliver(project, [events])).toBe(0);
      const now = await doc();
      expect(now).toMatchObject({ available, inStock: available > 0 });
      versions.push(now.version);
    }
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(new Set(versions).size).toBe(versions.length);
    expect(versions.at(-1)).toBe(documentVersion(2, 5));
    expect(await getBook(ports.views, bookId)).toMatchObject({ available: 3, inStock: true, version: 2 });

    // Replayed into an empty model in event order, the index and the views come out the same.
    const replayed = await searchPorts();
    await deliver(createProjector(bookSearch, replayed), [byEventId(steps.flatMap(([events]) => events))]);
    expect((await dumpIndex(replayed.search.client, replayed.search.index)).map(({ doc, version }) => ({ doc, version }))).toEqual(
      (await dumpIndex(ports.search.client, ports.search.index)).map(({ doc, version }) => ({ doc, version })),
    );
    expect(await dumpViews(replayed.views)).toEqual(await dumpViews(ports.views));
  });
});

describe("history written before reservations moved (every stock event on the inventory stream)", () => {
  const THRESHOLD = 5;
  const legacy = (bookId: string) => {
    const inventory = stream(streams.inventory(bookId));
    const [o1, o2] = [ulid(), ulid()];
    return [
      inventory(received(bookId, 10)), // 10
      inventory(reserved(bookId, o1, 3)), // 7
      inventory(committed(bookId, o1, 3)), // 7
      inventory(reserved(bookId, o2, 2)), // 5
      inventory(released(bookId, o2, 2)), // 7
      inventory(returned(bookId, o1, 1)), // 8
      inventory(adjusted(bookId, -2)), // 6
    ];
  };

  it("folds into the same levels and version as before", async () => {
    const bookId = ulid();
    const ports = await viewPorts();
    await deliver(createProjector(inventoryView, ports), [legacy(bookId)]);
    expect(await getInventory(ports.views, bookId)).toEqual({ bookId, onHand: 6, reserved: 0, available: 6, version: 7 });
  });

  it("gives the search document the same available copies and version as before", async () => {
    const bookId = ulid();
    const ports = await searchPorts();
    await deliver(createProjector(bookSearch, ports), [[stream(streams.book(bookId))(bookAdded(bookId)), ...legacy(bookId)]]);
    const got = await ports.search.client.get({ index: ports.search.index, id: bookId });
    // As when the stock's part of the version was the inventory stream's version.
    expect(got.body).toMatchObject({ _version: documentVersion(1, 7), _source: { available: 6 } });
  });

  it("goes on from the totals stored before revisions were kept", async () => {
    const bookId = ulid();
    const inventory = stream(streams.inventory(bookId));
    const [first, second] = [inventory(received(bookId, 6)), inventory(reserved(bookId, ulid(), 1))];
    const sale = order([[bookId, 2]], "open");
    const put = (views: ViewsPort, pk: string, sk: string) =>
      views.client.send(
        new PutCommand({ TableName: views.tableName, Item: { pk, sk, streamId: streams.inventory(bookId), version: 2, updatedAt: second.occurredAt, state: { onHand: 6, reserved: 1 } } }),
      );
    const views = await viewPorts();
    await put(views.views, `inventory#${bookId}`, "view");
    await deliver(createProjector(inventoryView, views), [[first, second, inventory(received(bookId, 1)), ...sale.events]]);
    expect(await getInventory(views.views, bookId)).toEqual({ bookId, onHand: 7, reserved: 3, available: 4, version: 3 });

    const bus = inProcessBus();
    const integration = await integrationPorts(THRESHOLD, bus);
    await put(integration.views, `integration#inventory#${bookId}`, "published");
    await deliver(createProjector(integrationEvents, integration), [[first, second, ...sale.events]]);
    expect(bus.published.map((e) => [e.detail.eventId, e.detail.data])).toEqual([[`${sale.events[0]!.eventId}.StockLow`, { bookId, available: 3, threshold: THRESHOLD }]]);
  });

  it("publishes StockLow at each event that crosses, as before", async () => {
    const bookId = ulid();
    const events = legacy(bookId);
    const bus = inProcessBus();
    const ports = await integrationPorts(8, bus);
    await deliver(createProjector(integrationEvents, ports), [events]);
    expect(bus.published.map((e) => [e.detail.eventId, e.detail.data])).toEqual([
      [`${events[1]!.eventId}.StockLow`, { bookId, available: 7, threshold: 8 }],
      [`${events[6]!.eventId}.StockLow`, { bookId, available: 6, threshold: 8 }],
    ]);
  });
});
