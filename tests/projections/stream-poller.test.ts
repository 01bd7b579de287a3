import { PutItemCommand } from "@aws-sdk/client-dynamodb";
import { Redis } from "ioredis";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { ulid } from "ulid";
import type { StoredEvent } from "../../events/index.js";
import { createStreamPoller } from "../../local/stream-poller.js";
import { bestsellers, topBestsellers } from "../../projections/bestsellers.js";
import { cartView, getCart } from "../../projections/cart-view.js";
import { deadLetters } from "../../projections/dead-letters.js";
import { getInventory, inventoryView } from "../../projections/inventory-view.js";
import { getOrder, orderHistory } from "../../projections/order-history.js";
import type { ViewPorts } from "../../projections/ports.js";
import type { Projection } from "../../projections/projection.js";
import { addBook, asAdmin, freshCommands, ok, type CommandsFixture } from "../support/commands-fixture.js";
import { documentClient, streamsClient, tradeADay, type Shop } from "../support/projections-fixture.js";

let f: CommandsFixture;
let ports: ViewPorts;
let shop: Shop;
beforeAll(async () => {
  f = await freshCommands("poller");
  ports = { views: { client: documentClient(f.client), tableName: f.names.views } };
  shop = await tradeADay(f);
});

const pollerFor = (projections: readonly Projection<ViewPorts>[]) =>
  createStreamPoller({ dynamo: f.client, streams: streamsClient(), eventsTable: f.names.events, projections, ports, retryDelayMs: 5 });

/** The same projection under another name (its own checkpoint), recording what it is given. */
const watched = (projection: Projection<ViewPorts>, name: string, onApply: (events: readonly StoredEvent[]) => Promise<void> = async () => {}) => {
  const seen: string[] = [];
  const p: Projection<ViewPorts> = {
    ...projection,
    name,
    apply: async (events, ports) => {
      await onApply(events);
      seen.push(...events.map((e) => `${e.streamId}@${e.version}`));
      await projection.apply(events, ports);
    },
  };
  return { projection: p, seen };
};

/** The projection, in a process that dies half-way through the batch holding the first event `dies` picks. */
const crashingAt = <P extends ViewPorts>(projection: Projection<P>, name: string, dies: (e: StoredEvent) => boolean) => {
  let applied = 0;
  const p: Projection<P> = {
    ...projection,
    name,
    apply: async (events, ports) => {
      for (const e of events) {
        // The rest of the batch and its checkpoint never happen.
        if (dies(e)) await new Promise(() => {});
        await projection.apply([e], ports);
        applied += 1;
      }
    },
  };
  return { projection: p, applied: () => applied };
};

describe("the local stream poller", () => {
  it("projects every event of the table's stream, and sends a poison item to the dead letters without stopping", async () => {
    const poisonStream = `inventory#${ulid()}`;
    await f.client.send(
      new PutItemCommand({
        TableName: f.names.events,
        Item: { pk: { S: poisonStream }, sk: { N: "1" }, kind: { S: "event" }, type: { S: "StockReceived" }, data: { S: "ten copies" } },
      }),
    );
    // Stock arriving after the poison item must still be projected.
    ok(await f.commands.handle({ type: "ReceiveStock", bookId: shop.books[0], quantity: 5 }, asAdmin));

    await pollerFor([cartView, inventoryView, orderHistory]).catchUp();

    expect(await getInventory(ports.views, shop.books[0])).toMatchObject({ onHand: 13, reserved: 0, available: 13 });
    expect(await getInventory(ports.views, shop.books[1])).toMatchObject({ onHand: 9, available: 9 });
    expect(await getCart(ports.views, shop.browsing)).toMatchObject({ totalCents: 3000 });
    expect(await getOrder(ports.views, shop.paidOrder.orderId)).toMatchObject({ status: "paid" });
    const letters = await deadLetters(ports.views).list(inventoryView.name);
    expect(letters).toEqual([expect.objectContaining({ id: `${poisonStream}|1`, reason: expect.stringContaining("not an event envelope") })]);
    expect(await deadLetters(ports.views).list(cartView.name)).toEqual([]);
  });

  it("filters the stream by the projection's event types", async () => {
    const cart = watched(cartView, `cart-only-${ulid()}`);
    await pollerFor([cart.projection]).catchUp();
    expect(cart.seen.length).toBeGreaterThan(0);
    expect(cart.seen.every((s) => s.startsWith("cart#"))).toBe(true);
  });

  it("dead-letters a record that keeps failing after retries and bisection, and applies the rest of its batch", async () => {
    const bookId = ulid();
    ok(await f.commands.handle(addBook(bookId), asAdmin));
    ok(await f.commands.handle({ type: "ReceiveStock", bookId, quantity: 2 }, asAdmin));
    const name = `flaky-${ulid()}`;
    const flaky = watched(inventoryView, name, async (events) => {
      if (events.some((e) => e.type === "StockReceived" && e.data.bookId === bookId)) throw new Error("the shelf is on fire");
    });
    await pollerFor([flaky.projection]).catchUp();
    const letters = await deadLetters(ports.views).list(name);
    expect(letters.filter((l) => l.reason.includes("the shelf is on fire"))).toEqual([expect.objectContaining({ id: `inventory#${bookId}|1` })]);
    expect(await getInventory(ports.views, shop.books[1])).toMatchObject({ onHand: 9 });
  });

  it("killed in the middle of a batch, a new poller resumes from the checkpoint: nothing lost, nothing counted twice", async () => {
    const name = `restart-${ulid()}`;
    const crashing = crashingAt(inventoryView, name, (e) => e.type === "StockReserved");
    void pollerFor([crashing.projection]).catchUp();
    await expect.poll(() => crashing.applied(), { timeout: 30_000 }).toBeGreaterThan(0);

    const bookId = ulid();
    ok(await f.commands.handle(addBook(bookId), asAdmin));
    ok(await f.commands.handle({ type: "ReceiveStock", bookId, quantity: 7 }, asAdmin));
    const restarted = watched(inventoryView, name);
    await pollerFor([restarted.projection]).catchUp();
    expect(await getInventory(ports.views, bookId)).toMatchObject({ onHand: 7, version: 1 });
    expect(await getInventory(ports.views, shop.books[1])).toMatchObject({ onHand: 9, reserved: 0 });

    // A third start finds nothing new: the position survived.
    const again = watched(inventoryView, name);
    await pollerFor([again.projection]).catchUp();
    expect(again.seen).toEqual([]);
  });

  it("killed and restarted, counts every bestseller unit exactly once", async () => {
    const redis = new Redis(inject("redisUrl"), { keyPrefix: `poller-${ulid()}:` });
    const redisPorts = { ...ports, redis };
    const poller = (p: Projection<typeof redisPorts>) =>
      createStreamPoller({ dynamo: f.client, streams: streamsClient(), eventsTable: f.names.events, projections: [p], ports: redisPorts, retryDelayMs: 5 });
    const name = `bestsellers-${ulid()}`;
    const crashing = crashingAt(bestsellers, name, (e) => e.type === "OrderCancelled");
    void poller(crashing.projection).catchUp();
    await expect.poll(() => crashing.applied(), { timeout: 30_000 }).toBeGreaterThan(0);
    await poller({ ...bestsellers, name }).catchUp();
    expect(await topBestsellers(redis)).toEqual([
      { bookId: shop.books[0], unitsSold: 2 },
      { bookId: shop.books[1], unitsSold: 1 },
    ]);
    await redis.quit();
  });
});
