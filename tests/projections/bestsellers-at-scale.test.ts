import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { Redis } from "ioredis";
import { ulid } from "ulid";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { freePort } from "../../bench/measure.js";
import { startRedis, type RunningRedis } from "../../local/redis.js";
import { createStreamPoller } from "../../local/stream-poller.js";
import { bestsellers, topBestsellers } from "../../projections/bestsellers.js";
import { deadLetters } from "../../projections/dead-letters.js";
import type { RedisPorts, ViewPorts } from "../../projections/ports.js";
import type { Projection } from "../../projections/projection.js";
import { addBook, asAdmin, asCustomer, freshCommands, ok, type CommandsFixture } from "../support/commands-fixture.js";
import { documentClient, streamsClient } from "../support/projections-fixture.js";
import { SHIP_TO } from "../kit/ship-to.js";

type Ports = ViewPorts & RedisPorts;
const RETRY_DELAY_MS = 50;

let f: CommandsFixture;
beforeAll(async () => {
  f = await freshCommands("scale");
});

const pollerFor = (projection: Projection<Ports>, ports: Ports) =>
  createStreamPoller({
    dynamo: f.client,
    streams: streamsClient(),
    eventsTable: f.names.events,
    projections: [projection],
    ports,
    retryDelayMs: RETRY_DELAY_MS,
    idleDelayMs: 50,
  });

const viewsPort = () => ({ client: documentClient(f.client), tableName: f.names.views });

const stockedBooks = async (n: number, copies: number) => {
  const books = Array.from({ length: n }, () => ulid());
  for (const bookId of books) {
    ok(await f.commands.handle(addBook(bookId), asAdmin));
    ok(await f.commands.handle({ type: "ReceiveStock", bookId, quantity: copies }, asAdmin));
  }
  return books;
};

/**
 * `orders` orders by `clients` concurrent clients, each of one or two books; some payments are
 * declined and some paid orders cancelled. Adds the units sold per book (paid minus cancelled) to `sold`.
 */
const trade = async (books: readonly string[], orders: number, clients: number, sold = new Map<string, number>()) => {
  let next = 0;
  const client = async () => {
    for (let n = next++; n < orders; n = next++) {
      const customerId = ulid();
      const orderId = ulid();
      const lines = new Map<string, number>();
      for (let l = 0; l < 1 + (n % 2); l++) {
        const bookId = books[(n * 7 + l * 13) % books.length] ?? "";
        lines.set(bookId, (lines.get(bookId) ?? 0) + 1 + (n % 3));
      }
      for (const [bookId, quantity] of lines) ok(await f.commands.handle({ type: "AddCartItem", customerId, bookId, quantity }, asCustomer(customerId)));
      const declined = n % 17 === 0;
      ok(await f.commands.handle({ type: "Checkout", shippingAddress: SHIP_TO, customerId, orderId, paymentToken: declined ? "tok_declined" : "tok_visa" }, asCustomer(customerId)));
      const cancelled = !declined && n % 10 === 3;
      if (cancelled) ok(await f.commands.handle({ type: "CancelOrder", orderId, actor: { role: "customer", customerId } }, asCustomer(customerId)));
      if (declined || cancelled) continue;
      for (const [bookId, quantity] of lines) sold.set(bookId, (sold.get(bookId) ?? 0) + quantity);
    }
  };
  await Promise.all(Array.from({ length: clients }, client));
  return sold;
};

const countsOf = async (redis: Redis, books: readonly string[]) => {
  const mine = new Set(books);
  return new Map((await topBestsellers(redis, 10_000)).filter((b) => mine.has(b.bookId)).map((b) => [b.bookId, b.unitsSold]));
};

describe("bestsellers at scale", () => {
  it("1,000 orders across 100 books by 16 concurrent clients: units sold are exactly the paid units minus the cancelled", async () => {
    const redis = new Redis(inject("redisUrl"), { keyPrefix: `scale-${ulid()}:` });
    try {
      const books = await stockedBooks(100, 1000);
      const sold = await trade(books, 1000, 16);
      await pollerFor({ ...bestsellers, name: `bestsellers-${ulid()}` }, { views: viewsPort(), redis }).catchUp();
      expect(await countsOf(redis, books)).toEqual(sold);
    } finally {
      await redis.quit();
    }
  }, 1_200_000); // 1,000 checkouts through the command handler (each a reservation, a charge recorded and a commit): many minutes when the suite shares DynamoDB Local.
});

describe("bestsellers through a Redis outage", () => {
  let server: RunningRedis | undefined;
  let dataDir: string | undefined;
  afterAll(async () => {
    await server?.stop();
    if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
  });

  it("Redis stopped for longer than the default retry budget while orders come in, then restarted: the poller retries and the counts converge", async () => {
    const port = await freePort();
    // Persistent, so what was counted before the outage survives the restart, as it would in production.
    dataDir = await mkdtemp(join(tmpdir(), "bestsellers-outage-"));
    server = await startRedis({ port, dataDir });
    const redis = new Redis(server.url, { maxRetriesPerRequest: 1, retryStrategy: () => 100 });
    redis.on("error", () => {});
    const ports: Ports = { views: viewsPort(), redis };
    const name = `bestsellers-${ulid()}`;
    let failures = 0;
    // Enough retries (the backoff is capped at 2 s) to ride out the outage instead of dead-lettering.
    const patient: Projection<Ports> = {
      ...bestsellers,
      name,
      batch: { ...bestsellers.batch, maximumRetryAttempts: 200 },
      apply: async (events, p) => {
        try {
          await bestsellers.apply(events, p);
        } catch (e) {
          failures += 1;
          throw e;
        }
      },
    };
    const books = await stockedBooks(5, 500);
    const poller = pollerFor(patient, ports);
    try {
      const sold = await trade(books, 20, 4);
      await poller.catchUp();
      expect(await countsOf(redis, books)).toEqual(sold);

      await server.stop();
      poller.start();
      await trade(books, 30, 4, sold);
      await expect.poll(() => failures, { timeout: 30_000 }).toBeGreaterThan(0);
      // Down for longer than the default budget would have waited before dead-lettering.
      const { maximumRetryAttempts } = bestsellers.batch;
      await sleep(Array.from({ length: maximumRetryAttempts }, (_, a) => Math.min(2000, RETRY_DELAY_MS * 2 ** a)).reduce((s, d) => s + d, 0) + 1000);
      expect(await countsOf(redis, books).catch(() => "unreachable")).toBe("unreachable");

      server = await startRedis({ port, dataDir });
      await expect.poll(() => countsOf(redis, books), { timeout: 60_000, interval: 250 }).toEqual(sold);
      await poller.stop();
      await poller.catchUp();
      expect(await countsOf(redis, books)).toEqual(sold);
      expect(await deadLetters(ports.views).list(name)).toEqual([]);
    } finally {
      await poller.stop();
      redis.disconnect();
    }
  }, 600_000);
});
