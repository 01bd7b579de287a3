import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server, type Socket, connect } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { Client as SearchClient } from "@opensearch-project/opensearch";
import { ulid } from "ulid";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { bookIndexMappings } from "../../projections/book-index.js";
import { type ReadSide, startReadSide } from "../../local/read-side.js";
import { type RunningRedis, startRedis } from "../../local/redis.js";
import { type Client, type E2eApi, type Response, startE2eApi, stockedBook } from "../e2e/local-api.js";
import { dynamoDbEndpoint } from "../support/servers.js";
import { freshQueues } from "../support/sqs.js";
import { SHIP_TO } from "../kit/ship-to.js";

/**
 * The read models' servers stopped and started again under the real API: a redis-server of this
 * file's own on a port of its own, and the run's OpenSearch behind a TCP relay of this file's own,
 * so that "OpenSearch is down" is a closed port and "OpenSearch hangs" a node that accepts
 * connections and never answers, without stopping the node other test files use. (Starting a
 * second OpenSearch for this file would cost another gigabyte and a minute of a two-core machine.)
 */

const VISIBLE_WITHIN = { timeout: 30_000, interval: 200 };
/** A failing query must answer well inside API Gateway's 30 s; the route's bound is about 3 s. */
const FAST_MS = 5_000;

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

/** A TCP relay to `target` on a port of its own: it forwards, hangs (accepts, never answers) or is closed. */
const relay = async (target: URL) => {
  const port = await freePort();
  const sockets = new Set<Socket>();
  let mode: "forward" | "hang" = "forward";
  let server: Server | undefined;
  const dropAll = () => {
    for (const s of sockets) s.destroy();
    sockets.clear();
  };
  const track = (s: Socket) => {
    sockets.add(s);
    s.once("close", () => sockets.delete(s));
    s.on("error", () => s.destroy());
  };
  const open = () =>
    new Promise<void>((resolve, reject) => {
      server = createServer((client) => {
        track(client);
        if (mode === "hang") return;
        const upstream = connect(Number(target.port), target.hostname);
        track(upstream);
        client.pipe(upstream).pipe(client);
        client.once("close", () => upstream.destroy());
        upstream.once("close", () => client.destroy());
      });
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolve());
    });
  await open();
  return {
    url: `http://127.0.0.1:${port}`,
    start: open,
    stop: () =>
      new Promise<void>((resolve) => {
        const s = server;
        server = undefined;
        dropAll();
        if (s === undefined) resolve();
        else s.close(() => resolve());
      }),
    /** From now on a connection is accepted and never answered; the open ones are dropped. */
    hang: () => {
      mode = "hang";
      dropAll();
    },
    forward: () => {
      mode = "forward";
      dropAll();
    },
  };
};

let redisPort: number;
let redisDir: string;
let redis: RunningRedis;
let search: Awaited<ReturnType<typeof relay>>;
let api: E2eApi;
let readSide: ReadSide | undefined;
let admin: Client;
let customer: Client;
let book: string;
let word: string;
let bestsellersBefore: unknown;
const searchIndex = `books-outage-${ulid().toLowerCase()}`;
const direct = new SearchClient({ node: inject("openSearchUrl") });

const startOwnRedis = () => startRedis({ port: redisPort, dataDir: redisDir });

beforeAll(async () => {
  redisPort = await freePort();
  redisDir = await mkdtemp(path.join(tmpdir(), "bookstore-outage-redis-"));
  redis = await startOwnRedis();
  // It must be this file's own server, or stopping it would stop another's.
  expect(redis.pid).toBeDefined();
  search = await relay(new URL(inject("openSearchUrl")));
  api = await startE2eApi("http-outage", { redisUrl: redis.url, redisPrefix: `outage-${ulid()}:`, openSearchUrl: search.url, searchIndex });
  readSide = await startReadSide({ runtime: api.local.runtime, dynamoDbEndpoint: dynamoDbEndpoint(), queues: (await freshQueues("http-outage")).queues, idleDelayMs: 50 });
  admin = await api.as("root", ["admin"]);
  customer = await api.as(`outage-${ulid()}`);
  word = `zq${ulid().toLowerCase()}`;
  book = await stockedBook(admin, 10, { title: `The ${word} Outage` });
  await customer.post("/cart/items", { bookId: book, quantity: 2 });
  expect((await customer.post("/checkout", { shippingAddress: SHIP_TO, paymentToken: "tok_visa" })).status).toBe(201);
  // Both read models show the sale before anything is stopped.
  await vi.waitFor(async () => expect((await customer.get("/bestsellers")).body?.items?.[0]?.bookId).toBe(book), VISIBLE_WITHIN);
  await vi.waitFor(async () => expect((await customer.get(`/books?q=${word}`)).body?.items?.[0]?.available).toBe(8), VISIBLE_WITHIN);
  bestsellersBefore = (await customer.get("/bestsellers")).body;
  // The outages are the queries' to answer; the projector's handling of them is another matter.
  await readSide.stop();
  readSide = undefined;
}, 180_000);

afterAll(async () => {
  await readSide?.stop();
  await api?.local.runtime.readModels.search.client.indices.delete({ index: `${searchIndex}-g*` }).catch(() => undefined);
  await api?.close();
  await search?.stop();
  await redis?.stop();
  await direct.close();
  await rm(redisDir, { recursive: true, force: true });
});

const timed = async (request: () => Promise<Response>) => {
  const started = performance.now();
  const r = await request();
  return { ...r, ms: performance.now() - started };
};

const expectUnavailable = (r: Response & { ms: number }) => {
  expect(r.status, JSON.stringify(r.body)).toBe(503);
  expect(r.type).toBe("application/problem+json");
  expect(r.headers.get("retry-after")).toBe("5");
  expect(r.body).toMatchObject({ status: 503, title: "Service Unavailable", detail: expect.stringMatching(/unavailable/) });
  expect(r.ms).toBeLessThan(FAST_MS);
};

/** A command during an outage: it touches DynamoDB only, so it must go through. */
const commandStillWorks = async () => {
  const r = await customer.post("/cart/items", { bookId: book, quantity: 1 });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
};

describe("Redis stopped and started again", () => {
  it("while it is down, GET /bestsellers answers 503 with Retry-After, at once, every time; search and commands work", async () => {
    await redis.stop();
    for (let i = 0; i < 3; i++) expectUnavailable(await timed(() => customer.get("/bestsellers")));
    expect((await customer.get(`/books?q=${word}`)).status).toBe(200);
    await commandStillWorks();
  });

  it("once it is back, the same answer as before", async () => {
    redis = await startOwnRedis();
    await expect.poll(async () => (await customer.get("/bestsellers")).status, VISIBLE_WITHIN).toBe(200);
    expect((await customer.get("/bestsellers")).body).toEqual(bestsellersBefore);
  });
});

describe("OpenSearch unreachable, hung, and recovering", () => {
  it("its port closed: GET /books answers 503 with Retry-After, at once; bestsellers and commands work", async () => {
    await search.stop();
    for (let i = 0; i < 3; i++) expectUnavailable(await timed(() => customer.get(`/books?q=${word}`)));
    expect((await customer.get("/bestsellers")).status).toBe(200);
    await commandStillWorks();
  });

  it("its port open again: the book is found as before", async () => {
    await search.start();
    await expect.poll(async () => (await customer.get(`/books?q=${word}`)).status, VISIBLE_WITHIN).toBe(200);
    expect((await customer.get(`/books?q=${word}`)).body.items).toEqual([expect.objectContaining({ bookId: book, available: 8 })]);
  });

  it("a node that accepts connections and never answers: 503 within the bound, no request left hanging", async () => {
    search.hang();
    const answers = await Promise.all([1, 2, 3].map(() => timed(() => customer.get(`/books?q=${word}`))));
    for (const r of answers) expectUnavailable(r);
    await commandStillWorks();
    search.forward();
    await expect.poll(async () => (await customer.get(`/books?q=${word}`)).status, VISIBLE_WITHIN).toBe(200);
  });

  it("an index whose shards have not started (a node recovering): 503, then the answer once they start", async () => {
    const recovering = `books-recovering-${ulid().toLowerCase()}`;
    // No node can take the shard: every search fails in its search phase, as while a node recovers.
    await direct.indices.create({
      index: `${recovering}-g0`,
      wait_for_active_shards: "0",
      body: {
        settings: { number_of_shards: 1, number_of_replicas: 0, "index.routing.allocation.require._name": "no-such-node" },
        mappings: bookIndexMappings,
        aliases: { [recovering]: {} },
      },
    });
    const other = await startE2eApi("http-recovering", { openSearchUrl: inject("openSearchUrl"), searchIndex: recovering });
    try {
      const reader = await other.as("reader");
      expectUnavailable(await timed(() => reader.get("/books")));
      await direct.indices.putSettings({ index: `${recovering}-g0`, body: { "index.routing.allocation.require._name": null } });
      await expect.poll(async () => (await reader.get("/books")).status, VISIBLE_WITHIN).toBe(200);
      expect((await reader.get("/books")).body).toMatchObject({ items: [], total: 0 });
    } finally {
      await other.close();
      await direct.indices.delete({ index: `${recovering}-g0` });
    }
  });
});
