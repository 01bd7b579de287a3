// `npm run bench:http`: a storefront's traffic on `npm start`'s runtime (every projection
// following the stream, Redis and OpenSearch behind the queries), beside a bare node:http server
// that makes the same backend calls with no gateway emulation, JWT check, middleware, codecs or
// problem mapping, in one run. The mix is 70% book pages, 15% searches, 5% bestsellers and 10%
// cart writes and checkouts, at 8 and 32 connections. Prints requests/s, p50 and p99 per route,
// the DynamoDB and Redis calls each route makes, what the hardening checks cost, and the goals.
import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { Agent, createServer, type IncomingMessage, request, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { Logger } from "@aws-lambda-powertools/logger";
import { isLeft } from "fp-ts/lib/Either.js";
import { ulid } from "ulid";
import { Subject } from "../handlers/http/claims.js";
import { jsonShapeIssue } from "../handlers/http/json-shape.js";
import { MAX_JSON_DEPTH } from "../handlers/http/request-body.js";
import type { Runtime } from "../handlers/http/runtime.js";
import { localAuthConfig } from "../local/auth-config.js";
import { startLocalApi } from "../local/api.js";
import { startReadSide } from "../local/read-side.js";
import { startLocalServers } from "../local/servers.js";
import { isbn13CheckDigit } from "../local/seed/catalogue.js";
import { mintToken, subFor } from "../local/tokens.js";
import { getBookDetail } from "../projections/book-detail.js";
import { titlesOf } from "../projections/book-titles.js";
import { topBestsellers } from "../projections/bestsellers.js";
import { searchBooks, suggestBooks } from "../projections/search-books.js";
import { topRatedBooks } from "../projections/top-rated.js";
import { tableNames } from "../store/index.js";
import { percentile } from "./measure.js";
import { queuePortsFromEnv } from "../handlers/stream/ports-from-env.js";
import { SHIP_TO } from "../tests/kit/ship-to.js";

/** Per side and connection count, in two halves. */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 12);
const CONNECTIONS = (process.env.BENCH_CONNECTIONS ?? "8,32").split(",").map(Number);
const BOOKS = 200;
const CUSTOMERS = 1000;

const admin = { actor: "admin:bench", correlationId: "bench" };
const words = ["river", "garden", "winter", "machine", "silent", "harbour", "golden", "stone", "paper", "north", "glass", "ember"];
const authors = ["Ann Writer", "Bo Chef", "Cleo Marsh", "Dev Patel", "Eli Stone", "Fay Moreau", "Gus Lind", "Hana Sato"];
const titleOf = (i: number) => `The ${words[i % words.length]!} ${words[(i * 7 + 3) % words.length]!} ${i}`;

const run = ulid().toLowerCase();
const servers = await startLocalServers({
  dynamo: { port: Number(process.env.BENCH_DYNAMODB_PORT ?? 8711) },
  redis: { port: Number(process.env.BENCH_REDIS_PORT ?? 6395) },
  opensearch: { port: Number(process.env.BENCH_OPENSEARCH_PORT ?? 9295) },
  sqs: { port: Number(process.env.BENCH_SQS_PORT ?? 9395), queuePrefix: `bench-http-${run}` },
});
const keyDir = await mkdtemp(path.join(tmpdir(), "bench-http-"));
const api = await startLocalApi({
  dynamoDbEndpoint: servers.dynamoDbEndpoint,
  tables: tableNames(`bench-http-${run}`),
  port: 0,
  readModels: { redisUrl: servers.redisUrl, redisPrefix: `bench-${run}:`, openSearchUrl: servers.openSearchUrl!, searchIndex: `books-bench-${run}` },
  auth: { ...localAuthConfig({}), keyDir },
  logger: new Logger({ serviceName: "bench", logLevel: "SILENT" }),
});
const { runtime } = api;
const { queues } = queuePortsFromEnv({ SQS_ENDPOINT: servers.sqsEndpoint, QUEUE_PREFIX: `bench-http-${run}` });
const readSide = await startReadSide({ runtime, dynamoDbEndpoint: servers.dynamoDbEndpoint, queues, idleDelayMs: 50, sweepEveryMs: 0 });

// ---- the bare server: the same read-model and command calls, nothing around them ----

const bareServer = async (rt: Runtime) => {
  const body = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let text = "";
      req.on("data", (c: Buffer) => (text += c.toString()));
      req.on("end", () => resolve(text));
    });
  const reply = (res: ServerResponse, status: number, value: unknown) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(value));
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", "http://bare");
      const { readModels } = rt;
      if (req.method === "GET" && url.pathname === "/books") return reply(res, 200, await searchBooks(readModels, { q: url.searchParams.get("q") ?? "" }));
      if (req.method === "GET" && url.pathname === "/books/suggest") return reply(res, 200, { items: await suggestBooks(readModels, url.searchParams.get("q") ?? "") });
      if (req.method === "GET" && url.pathname.startsWith("/books/")) {
        const page = await getBookDetail(readModels.views, url.pathname.slice("/books/".length));
        return page === undefined ? reply(res, 404, {}) : reply(res, 200, page);
      }
      if (req.method === "GET" && url.pathname === "/bestsellers") {
        const [sold, rated] = await Promise.all([topBestsellers(readModels.redis, 20), topRatedBooks(readModels.redis, 20)]);
        const titles = await titlesOf(readModels.redis, [...new Set([...sold, ...rated].map((b) => b.bookId))]);
        return reply(res, 200, { items: sold.map((b) => ({ ...b, title: titles.get(b.bookId) ?? "" })), topRated: rated });
      }
      const customerId = String(req.headers["x-customer"] ?? "anonymous");
      const meta = { actor: `customer:${customerId}`, correlationId: "bench" };
      if (req.method === "POST" && url.pathname === "/cart/items") {
        const { bookId, quantity } = JSON.parse(await body(req)) as { bookId: string; quantity: number };
        const out = await rt.commands.handle({ type: "AddCartItem", customerId, bookId, quantity }, meta);
        return isLeft(out) ? reply(res, 409, out.left) : reply(res, 200, { version: out.right.versions[`cart#${customerId}`] });
      }
      if (req.method === "POST" && url.pathname === "/checkout") {
        const { paymentToken, shippingAddress } = JSON.parse(await body(req)) as { paymentToken: string; shippingAddress: typeof SHIP_TO };
        const out = await rt.commands.handle({ type: "Checkout", shippingAddress, customerId, orderId: rt.newId(), paymentToken }, meta);
        return isLeft(out) ? reply(res, 409, out.left) : reply(res, 201, out.right.result);
      }
      reply(res, 404, {});
    })().catch((e: unknown) => reply(res, 500, { message: String(e) }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((r) => server.close(r)) };
};
const bare = await bareServer(runtime);

// ---- a catalogue, and the read models caught up with it ----

const books = Array.from({ length: BOOKS }, (_, i) => `bench-book-${i}`);
for (let i = 0; i < BOOKS; i += 20) {
  await Promise.all(
    books.slice(i, i + 20).map(async (bookId, j) => {
      const n = i + j;
      const isbnBody = `979${String(300000000 + n).slice(-9)}`;
      const book = { title: titleOf(n), authors: [authors[n % authors.length]!], isbn: isbnBody + String(isbn13CheckDigit(isbnBody)), category: `cat-${n % 6}` };
      await runtime.commands.handle({ type: "AddBook", bookId, ...book, description: `A story of ${words[n % words.length]!}.`, priceCents: 1000 + n, currency: "EUR" }, admin);
      await runtime.commands.handle({ type: "ReceiveStock", bookId, quantity: 1_000_000 }, admin);
    }),
  );
}
const caughtUp = async (what: string, ready: () => Promise<boolean>) => {
  const deadline = Date.now() + 120_000;
  while (!(await ready())) {
    if (Date.now() > deadline) throw new Error(`the read models never caught up with the catalogue (${what})`);
    await sleep(200);
  }
};
await caughtUp("book pages", async () => (await getBookDetail(runtime.readModels.views, books[BOOKS - 1]!))?.available === 1_000_000);
await caughtUp("search", async () => {
  await runtime.readModels.search.client.indices.refresh({ index: runtime.readModels.search.index });
  return (await searchBooks(runtime.readModels, {})).total === BOOKS;
});

const customers = Array.from({ length: CUSTOMERS }, (_, i) => `bench-${run}-${i}`);
const tokens = await Promise.all(customers.map((user) => mintToken(api.keys, api.auth, { user, ttlSeconds: 3600 })));

// ---- the load: a fixed cycle of 20 requests, each connection its own loop ----

interface Call {
  readonly route: string;
  readonly method: "GET" | "POST";
  readonly path: string;
  readonly body?: string;
  /** The customer, by index, for the writes. */
  readonly customer?: number;
}

/** 14 book pages, 3 searches, 1 bestsellers, then a cart line and its checkout: 70/15/5/10. */
const cycle = (n: number, customer: () => number): Call[] => {
  const book = (k: number) => books[(n * 13 + k * 7) % BOOKS]!;
  const who = customer();
  return [
    ...Array.from({ length: 14 }, (_, k): Call => ({ route: "GET /books/{id}", method: "GET", path: `/books/${book(k)}` })),
    ...Array.from({ length: 3 }, (_, k): Call => ({ route: "GET /books?q=", method: "GET", path: `/books?q=${words[(n + k) % words.length]!}` })),
    { route: "GET /bestsellers", method: "GET", path: "/bestsellers" },
    { route: "POST /cart/items", method: "POST", path: "/cart/items", body: JSON.stringify({ bookId: book(99), quantity: 1 }), customer: who },
    { route: "POST /checkout", method: "POST", path: "/checkout", body: JSON.stringify({ paymentToken: "tok_visa", shippingAddress: SHIP_TO }), customer: who },
  ];
};

type Side = "api" | "bare";
const headersFor = (side: Side, call: Call): Record<string, string> => {
  const json: Record<string, string> = call.body === undefined ? {} : { "content-type": "application/json" };
  if (call.customer === undefined) return json;
  return side === "api" ? { ...json, authorization: `Bearer ${tokens[call.customer]!}` } : { ...json, "x-customer": subFor(customers[call.customer]!) };
};

interface RouteFigures {
  readonly latencies: number[];
  errors: number;
}
interface RunFigures {
  readonly routes: Map<string, RouteFigures>;
  readonly seconds: number;
  readonly requests: number;
  readonly errors: number;
  readonly cpuSeconds: number;
  readonly firstError?: string;
}

const send = (agent: Agent, base: string, side: Side, call: Call) =>
  new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = request(`${base}${call.path}`, { method: call.method, agent, headers: headersFor(side, call) }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on("error", reject);
    req.end(call.body);
  });

let nextCustomer = 0;
const load = async (side: Side, base: string, connections: number, seconds: number): Promise<RunFigures> => {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const routes = new Map<string, RouteFigures>();
  let firstError: string | undefined;
  let cycles = 0;
  const started = performance.now();
  const cpu = process.cpuUsage();
  const stopAt = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < stopAt) {
        // A cart line and its checkout run in order, by a customer no other connection has now.
        for (const call of cycle(cycles++, () => nextCustomer++ % CUSTOMERS)) {
          const t0 = performance.now();
          const { status, text } = await send(agent, base, side, call);
          const figures = routes.get(call.route) ?? { latencies: [], errors: 0 };
          routes.set(call.route, figures);
          figures.latencies.push(performance.now() - t0);
          if (status >= 400) {
            figures.errors++;
            firstError ??= `${call.method} ${call.path}: ${status} ${text.slice(0, 200)}`;
          }
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  agent.destroy();
  const all = [...routes.values()];
  return {
    routes,
    seconds: elapsed,
    requests: all.reduce((s, r) => s + r.latencies.length, 0),
    errors: all.reduce((s, r) => s + r.errors, 0),
    cpuSeconds: (used.user + used.system) / 1e6,
    ...(firstError === undefined ? {} : { firstError }),
  };
};

/** Two runs of one side as one. */
const merged = (x: RunFigures, y: RunFigures): RunFigures => {
  const routes = new Map<string, RouteFigures>();
  for (const run of [x, y]) {
    for (const [route, r] of run.routes) {
      const into = routes.get(route) ?? { latencies: [], errors: 0 };
      routes.set(route, { latencies: [...into.latencies, ...r.latencies], errors: into.errors + r.errors });
    }
  }
  return {
    routes,
    seconds: x.seconds + y.seconds,
    requests: x.requests + y.requests,
    errors: x.errors + y.errors,
    cpuSeconds: x.cpuSeconds + y.cpuSeconds,
    ...((x.firstError ?? y.firstError) === undefined ? {} : { firstError: (x.firstError ?? y.firstError)! }),
  };
};

const p = (sorted: number[], q: number) => percentile(sorted, q);
const pad = (s: string | number, n: number) => String(s).padStart(n);
const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : "n/a");

console.log(`bench:http: the storefront mix, ${SECONDS} s per run, ${BOOKS} books, on npm start's runtime (DynamoDB Local, Redis, OpenSearch, every projection running)`);
// Warm both paths (JIT, connections, OpenSearch's caches) before measuring.
await load("api", api.server.url, 8, 3);
await load("bare", bare.url, 8, 3);

const verdicts: string[] = [];
const results: { connections: number; api: RunFigures; bare: RunFigures }[] = [];
for (const connections of CONNECTIONS) {
  // In the order api, bare, bare, api, each after the projections have had time to follow the
  // last run's writes: a drift over the run (the tables grow) then weighs on both sides alike.
  const halves: RunFigures[] = [];
  for (const side of ["api", "bare", "bare", "api"] as const) {
    await sleep(2000);
    halves.push(await load(side, side === "api" ? api.server.url : bare.url, connections, SECONDS / 2));
  }
  const a = merged(halves[0]!, halves[3]!);
  const b = merged(halves[1]!, halves[2]!);
  results.push({ connections, api: a, bare: b });
  console.log(`\n${connections} connections`);
  console.log(`${"route".padEnd(18)} ${pad("side", 5)} ${pad("req/s", 8)} ${pad("p50 ms", 8)} ${pad("p99 ms", 8)} ${pad("errors", 7)}`);
  const names = [...new Set([...a.routes.keys(), ...b.routes.keys()])];
  for (const route of names) {
    for (const [side, run] of [["api", a], ["bare", b]] as const) {
      const r = run.routes.get(route) ?? { latencies: [], errors: 0 };
      const sorted = [...r.latencies].sort((x, y) => x - y);
      console.log(`${(side === "api" ? route : "").padEnd(18)} ${pad(side, 5)} ${pad((sorted.length / run.seconds).toFixed(0), 8)} ${pad(ms(p(sorted, 50)), 8)} ${pad(ms(p(sorted, 99)), 8)} ${pad(r.errors, 7)}`);
    }
  }
  const mix = a.requests / a.seconds / (b.requests / b.seconds);
  const pageOf = (run: RunFigures) => p([...(run.routes.get("GET /books/{id}")?.latencies ?? [])].sort((x, y) => x - y), 50);
  const page = pageOf(a) / pageOf(b);
  console.log(`${"mix".padEnd(18)} api ${(a.requests / a.seconds).toFixed(0)} req/s, bare ${(b.requests / b.seconds).toFixed(0)} req/s: ratio ${mix.toFixed(2)}`);
  verdicts.push(`${connections} connections: book page p50 ${page.toFixed(2)}× the bare server's (goal ≤ 1.10) ${page <= 1.1 ? "met" : "NOT met"}`);
  verdicts.push(`${connections} connections: the mix's throughput ${(mix * 100).toFixed(0)}% of the bare server's (goal ≥ 85%) ${mix >= 0.85 ? "met" : "NOT met"}`);
  verdicts.push(`${connections} connections: errors api ${a.errors}, bare ${b.errors} (goal 0) ${a.errors + b.errors === 0 ? "met" : "NOT met"}${a.firstError ?? b.firstError ? `; first: ${a.firstError ?? b.firstError}` : ""}`);
}

// ---- search as you type, on its own ----
const prefixes = ["ri", "gar", "win", "mac", "sil", "har", "gol", "sto", "pap", "nor", "gla", "emb", "ann", "cle"];
const suggestRun = async (base: string) => {
  const agent = new Agent({ keepAlive: true, maxSockets: 8 });
  const latencies: number[] = [];
  let i = 0;
  let errors = 0;
  const stopAt = performance.now() + 4000;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (performance.now() < stopAt) {
        const t0 = performance.now();
        const { status } = await send(agent, base, "bare", { route: "suggest", method: "GET", path: `/books/suggest?q=${prefixes[i++ % prefixes.length]!}` });
        latencies.push(performance.now() - t0);
        if (status !== 200) errors++;
      }
    }),
  );
  agent.destroy();
  const sorted = latencies.sort((x, y) => x - y);
  return { p50: p(sorted, 50), p99: p(sorted, 99), errors };
};
const suggestApi = await suggestRun(api.server.url);
const suggestBare = await suggestRun(bare.url);
console.log(`\nGET /books/suggest (8 connections): api p50 ${ms(suggestApi.p50)} ms, p99 ${ms(suggestApi.p99)} ms; bare p50 ${ms(suggestBare.p50)} ms; errors ${suggestApi.errors + suggestBare.errors}`);
verdicts.push(`search-as-you-type p50 ${ms(suggestApi.p50)} ms (goal < 50 ms) ${suggestApi.p50 < 50 ? "met" : "NOT met"}`);

// ---- what each route calls, counted with the projections stopped so the calls are its own ----
await readSide.stop();
let dynamoCalls = 0;
let redisCalls = 0;
let counting = false;
runtime.client.middlewareStack.add(
  (next) => async (args) => {
    if (counting) dynamoCalls++;
    return next(args);
  },
  { step: "initialize", name: "bench-count" },
);
const redis = runtime.readModels.redis;
const sendCommand = redis.sendCommand.bind(redis);
redis.sendCommand = ((...args: Parameters<typeof sendCommand>) => {
  if (counting) redisCalls++;
  return sendCommand(...args);
}) as typeof sendCommand;
console.log(`\ncalls per request (20 of each, one at a time; a read model's generation pointer is cached for a second)`);
console.log(`${"route".padEnd(18)} ${pad("side", 5)} ${pad("DynamoDB", 9)} ${pad("Redis", 6)}`);
const sample = cycle(1, () => 0).filter((c, i, all) => all.findIndex((d) => d.route === c.route) === i);
let counted = 0;
for (const call of sample) {
  for (const side of ["api", "bare"] as const) {
    const agent = new Agent({ keepAlive: true });
    const base = side === "api" ? api.server.url : bare.url;
    dynamoCalls = 0;
    redisCalls = 0;
    // The first of each is not counted: a cold reader's pointer reads are not a request's own.
    for (let k = 0; k <= 20; k++) {
      const who = call.customer === undefined ? undefined : counted++;
      // Each checkout needs a cart: filled without counting.
      if (call.route === "POST /checkout") await send(agent, base, side, { route: "", method: "POST", path: "/cart/items", body: JSON.stringify({ bookId: books[k]!, quantity: 1 }), customer: who! });
      counting = k > 0;
      await send(agent, base, side, who === undefined ? call : { ...call, customer: who });
      counting = false;
    }
    agent.destroy();
    console.log(`${(side === "api" ? call.route : "").padEnd(18)} ${pad(side, 5)} ${pad((dynamoCalls / 20).toFixed(1), 9)} ${pad((redisCalls / 20).toFixed(1), 6)}`);
  }
}

// ---- the hardening checks' share of a request ----
// What the API does to every request that a bare server would not think of: the body's nesting
// and duplicate keys, the token subject's id rule, and the idempotency record's key hash.
const typicalBody = JSON.stringify({ bookId: books[0], quantity: 1 });
const typicalSub = subFor(customers[0]!);
const rounds = 200_000;
const t0 = performance.now();
for (let i = 0; i < rounds; i++) {
  jsonShapeIssue(typicalBody, MAX_JSON_DEPTH);
  Subject.decode(typicalSub);
  createHash("sha256").update(typicalSub).update("\u0000").update("key-1").digest("base64url");
}
const checkMicros = ((performance.now() - t0) * 1000) / rounds;
const last = results[results.length - 1];
if (last !== undefined) {
  const perRequestCpu = (last.api.cpuSeconds * 1e6) / last.api.requests;
  const share = checkMicros / perRequestCpu;
  console.log(`\nhardening checks: ${checkMicros.toFixed(2)} µs per request, ${(share * 100).toFixed(2)}% of the ${perRequestCpu.toFixed(0)} µs of CPU this process spent per API request at ${last.connections} connections`);
  verdicts.push(`hardening checks ${(share * 100).toFixed(2)}% of a request's CPU (goal ≤ 3%) ${share <= 0.03 ? "met" : "NOT met"}`);
}

console.log(`\ngoals:\n${verdicts.map((v) => `- ${v}`).join("\n")}`);

await bare.close();
await api.close();
await servers.stop();
await rm(keyDir, { recursive: true, force: true });
