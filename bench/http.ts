// `npm run bench:http`: what the API layer (gateway emulation, JWT check, middy, codecs, problem
// mapping) costs, beside a bare node:http server that makes the same command-handling and DynamoDB
// calls, in one run on DynamoDB Local. Prints requests/s, p50 and p99 per route and the ratios.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Logger } from "@aws-lambda-powertools/logger";
import autocannon from "autocannon";
import { isLeft } from "fp-ts/lib/Either.js";
import { ulid } from "ulid";
import { available } from "../domain/inventory.js";
import { aggregates } from "../handlers/commands/aggregates.js";
import { load } from "../handlers/commands/load.js";
import { readStockLevels } from "../handlers/commands/stock.js";
import type { Runtime } from "../handlers/http/runtime.js";
import { localAuthConfig } from "../local/auth-config.js";
import { startLocalApi } from "../local/api.js";
import { startDynamoDbLocal } from "../local/dynamodb-local.js";
import { mintToken, subFor } from "../local/tokens.js";
import { tableNames } from "../store/index.js";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 8);
const CHECKOUTS = Number(process.env.BENCH_CHECKOUTS ?? 200);
const BOOKS = 40;

const admin = { actor: "admin:bench", correlationId: "bench" };

/** The bare server: no gateway, no token, no codecs, no middleware; the same calls underneath. */
const bareServer = async (runtime: Runtime) => {
  const body = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let text = "";
      req.on("data", (c: Buffer) => (text += c.toString()));
      req.on("end", () => resolve(text));
    });
  const reply = (res: ServerResponse, status: number, value: unknown) =>
    res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(value));
  const server = createServer((req, res) => {
    void (async () => {
      const customerId = String(req.headers["x-customer"] ?? "anonymous");
      const url = req.url ?? "/";
      if (req.method === "GET" && url.startsWith("/books/")) {
        const bookId = url.slice("/books/".length);
        const [book, stock] = await Promise.all([load(runtime.deps, aggregates.book, bookId), readStockLevels(runtime.deps, bookId)]);
        if (isLeft(book) || isLeft(stock) || book.right.state === null) return reply(res, 404, {});
        return reply(res, 200, { ...book.right.state, version: book.right.version, available: available(stock.right) });
      }
      const meta = { actor: `customer:${customerId}`, correlationId: "bench" };
      if (req.method === "POST" && url === "/cart/items") {
        const { bookId, quantity } = JSON.parse(await body(req)) as { bookId: string; quantity: number };
        const out = await runtime.commands.handle({ type: "AddCartItem", customerId, bookId, quantity }, meta);
        return isLeft(out) ? reply(res, 409, out.left) : reply(res, 200, { version: out.right.versions[`cart#${customerId}`] });
      }
      if (req.method === "POST" && url === "/checkout") {
        await body(req);
        const out = await runtime.commands.handle({ type: "Checkout", customerId, orderId: runtime.newId() }, meta);
        return isLeft(out) ? reply(res, 409, out.left) : reply(res, 201, out.right.result);
      }
      reply(res, 404, {});
    })().catch((e: unknown) => reply(res, 500, { message: String(e) }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((r) => server.close(r)) };
};

interface Figures {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly non2xx: number;
}

const run = async (options: autocannon.Options): Promise<Figures> => {
  const result = await autocannon({ connections: CONNECTIONS, ...options });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx + result.errors };
};

/** Each request of a run takes the next caller (and book) in turn. */
const rotating = (count: number, request: (i: number) => { headers: Record<string, string>; body?: string }) => {
  let i = 0;
  return [{ setupRequest: (req: autocannon.Request) => ({ ...req, ...request(i++ % count) }) }];
};

const dynamo = await startDynamoDbLocal({ port: Number(process.env.BENCH_DYNAMODB_PORT ?? 8710) });
const keyDir = await mkdtemp(path.join(tmpdir(), "bench-http-"));
const api = await startLocalApi({
  dynamoDbEndpoint: dynamo.endpoint,
  tables: tableNames(`bench-http-${ulid().toLowerCase()}`),
  port: 0,
  auth: { ...localAuthConfig({}), keyDir },
  logger: new Logger({ serviceName: "bench", logLevel: "SILENT" }),
});
const bare = await bareServer(api.runtime);
const { commands } = api.runtime;

const books = Array.from({ length: BOOKS }, (_, i) => `bench-book-${i}`);
for (const bookId of books) {
  const isbnBody = `979${String(300000000 + books.indexOf(bookId)).slice(-9)}`;
  const sum = [...isbnBody].reduce((s, d, i) => s + Number(d) * (i % 2 === 0 ? 1 : 3), 0);
  const isbn = isbnBody + String((10 - (sum % 10)) % 10);
  const book = { title: bookId, authors: ["Bench"], isbn, category: "bench", description: "", priceCents: 1000, currency: "EUR" };
  await commands.handle({ type: "AddBook", bookId, ...book }, admin);
  await commands.handle({ type: "ReceiveStock", bookId, quantity: 1_000_000 }, admin);
}

const customers = 100;
const tokens = await Promise.all(
  Array.from({ length: customers }, (_, i) => mintToken(api.keys, api.auth, { user: `bench-${i}`, ttlSeconds: 3600 })),
);

/** Fills one cart per checkout to come, so each checkout request has something to buy. */
const fillCarts = async (customerIds: readonly string[]) => {
  for (let i = 0; i < customerIds.length; i += 16) {
    await Promise.all(
      customerIds.slice(i, i + 16).map((customerId, j) =>
        commands.handle({ type: "AddCartItem", customerId, bookId: books[(i + j) % BOOKS]!, quantity: 1 }, { actor: "bench", correlationId: "bench" }),
      ),
    );
  }
};
const apiBuyers = Array.from({ length: CHECKOUTS }, (_, i) => `bench-co-api-${i}`);
const checkoutTokens = await Promise.all(apiBuyers.map((user) => mintToken(api.keys, api.auth, { user, ttlSeconds: 3600 })));
// The API's customer id is the token's `sub`.
await fillCarts(apiBuyers.map(subFor));
const bareCheckouts = Array.from({ length: CHECKOUTS }, (_, i) => `bench-co-bare-${i}`);
await fillCarts(bareCheckouts);

const bookId = books[0]!;
const json = { "content-type": "application/json" };
const rows: { route: string; api: Figures; bare: Figures }[] = [];

console.log(`bench:http — ${SECONDS} s per run, ${CONNECTIONS} connections, ${CHECKOUTS} checkouts per side, DynamoDB Local at ${dynamo.endpoint}`);
// Warm both paths (JIT, connections) before measuring.
await run({ url: `${api.server.url}/books/${bookId}`, duration: 2 });
await run({ url: `${bare.url}/books/${bookId}`, duration: 2 });

rows.push({
  route: "GET /books/{id}",
  api: await run({ url: `${api.server.url}/books/${bookId}`, duration: SECONDS }),
  bare: await run({ url: `${bare.url}/books/${bookId}`, duration: SECONDS }),
});
rows.push({
  route: "POST /cart/items",
  api: await run({
    url: `${api.server.url}/cart/items`,
    method: "POST",
    duration: SECONDS,
    requests: rotating(customers, (i) => ({
      headers: { ...json, authorization: `Bearer ${tokens[i]}` },
      body: JSON.stringify({ bookId: books[i % BOOKS], quantity: 1 }),
    })),
  }),
  bare: await run({
    url: `${bare.url}/cart/items`,
    method: "POST",
    duration: SECONDS,
    requests: rotating(customers, (i) => ({ headers: { ...json, "x-customer": `bench-bare-${i}` }, body: JSON.stringify({ bookId: books[i % BOOKS], quantity: 1 }) })),
  }),
});
rows.push({
  route: "POST /checkout",
  api: await run({
    url: `${api.server.url}/checkout`,
    method: "POST",
    amount: CHECKOUTS,
    requests: rotating(CHECKOUTS, (i) => ({ headers: { authorization: `Bearer ${checkoutTokens[i]}` } })),
  }),
  bare: await run({
    url: `${bare.url}/checkout`,
    method: "POST",
    amount: CHECKOUTS,
    requests: rotating(CHECKOUTS, (i) => ({ headers: { "x-customer": bareCheckouts[i]! } })),
  }),
});

const pad = (s: string | number, n: number) => String(s).padStart(n);
console.log(`\n${"route".padEnd(18)} ${pad("side", 5)} ${pad("req/s", 8)} ${pad("p50 ms", 7)} ${pad("p99 ms", 7)} ${pad("non-2xx", 8)}`);
for (const { route, api: a, bare: b } of rows) {
  console.log(`${route.padEnd(18)} ${pad("api", 5)} ${pad(a.rps.toFixed(0), 8)} ${pad(a.p50, 7)} ${pad(a.p99, 7)} ${pad(a.non2xx, 8)}`);
  console.log(`${"".padEnd(18)} ${pad("bare", 5)} ${pad(b.rps.toFixed(0), 8)} ${pad(b.p50, 7)} ${pad(b.p99, 7)} ${pad(b.non2xx, 8)}`);
  const change = (a.p50 / b.p50 - 1) * 100;
  const overhead = Number.isFinite(change) ? `${change >= 0 ? "+" : ""}${change.toFixed(0)}%` : "n/a";
  console.log(`${"".padEnd(18)} ratio api/bare: req/s ${(a.rps / b.rps).toFixed(2)}, p50 ${(a.p50 / b.p50).toFixed(2)} (${overhead}), p99 ${(a.p99 / b.p99).toFixed(2)}`);
}

await bare.close();
await api.close();
await dynamo.stop();
await rm(keyDir, { recursive: true, force: true });
