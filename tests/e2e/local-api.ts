import { isbn13CheckDigit } from "../../local/seed/catalogue.js";
import { Logger } from "@aws-lambda-powertools/logger";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { inspect } from "node:util";
import { ulid } from "ulid";
import { expect } from "vitest";
import { localAuthConfig } from "../../local/auth-config.js";
import { type LocalApi, startLocalApi } from "../../local/api.js";
import { type ReadSide, startReadSide } from "../../local/read-side.js";
import type { ReadModelConfig } from "../../handlers/http/read-models.js";
import { mintToken, subFor, type TokenRequest } from "../../local/tokens.js";
import { createInMemoryEventStore, createInMemorySnapshotStore, createInMemoryTable, type InMemoryTable, tableNames } from "../../store/index.js";
import type { StoreKind } from "../support/event-store-fixture.js";
import { dynamoDbEndpoint } from "../support/servers.js";
import { type FreshQueues, freshQueues } from "../support/sqs.js";

/** A JSON response body in a test, read as loosely as the assertions that check it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface Response {
  readonly status: number;
  readonly type: string | null;
  readonly headers: Headers;
  readonly body: Json;
}

export interface E2eApi {
  readonly url: string;
  readonly local: LocalApi;
  /** Where the API keeps its events when it keeps them in memory; in the events table otherwise. */
  readonly memoryEvents?: InMemoryTable;
  token(request: TokenRequest): Promise<string>;
  /** The faults the API logged so far (the stack of every 500), for a failing assertion to show. */
  faults(): string;
  /** The queues the projections started with it send to (on the suite's ElasticMQ), if any ran. */
  readonly queues: FreshQueues | undefined;
  /** Stops the projections started with it (a test that counts what the API alone does), if any ran. */
  stopReadSide(): Promise<void>;
  /** A caller: every request carries its token (with `claims` besides, an `email` say). */
  as(user: string, groups?: readonly string[], claims?: Pick<TokenRequest, "email">): Promise<Client>;
  close(): Promise<void>;
}

export interface Client {
  readonly sub: string;
  readonly token: string;
  get(path: string, headers?: Record<string, string>): Promise<Response>;
  post(path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  patch(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  put(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  delete(path: string): Promise<Response>;
}

export const call = async (url: string, init: RequestInit = {}): Promise<Response> => {
  const res = await fetch(url, init);
  const text = await res.text();
  return { status: res.status, type: res.headers.get("content-type"), headers: res.headers, body: text ? JSON.parse(text) : undefined };
};

const client = (base: string, sub: string, token: string): Client => {
  const send = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    call(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  return {
    sub,
    token,
    get: (p, headers) => send("GET", p, undefined, headers),
    post: (p, body, headers) => send("POST", p, body, headers),
    patch: (p, body, headers) => send("PATCH", p, body, headers),
    put: (p, body, headers) => send("PUT", p, body, headers),
    delete: (p) => send("DELETE", p),
  };
};

/** A silent logger that keeps what it was asked to log as an error: a 500's cause, which its answer never shows. */
class FaultKeepingLogger extends Logger {
  readonly faults: string[] = [];
  constructor() {
    super({ serviceName: "bookstore-e2e", logLevel: "SILENT" });
  }
  override error(...args: Parameters<Logger["error"]>): void {
    const [, ...extra] = args;
    this.faults.push(extra.map((x) => (x instanceof Error ? (x.stack ?? String(x)) : inspect(x, { depth: 4 }))).join(" "));
  }
}

/**
 * `npm start`'s API, in process, on a free port: the real route table and runtime against the
 * test run's DynamoDB Local, with fresh tables and a user pool key of its own; the read models'
 * servers only when given. With `events` "memory", the events and snapshots are kept in memory
 * instead, for tests of what the HTTP layer decides; the read models' tables stay DynamoDB's.
 */
export interface E2eOptions {
  /** The projections to run beside the API, by name, as `npm start`'s poller runs them: none unless given. */
  readonly readSide?: readonly string[];
}

export const startE2eApi = async (prefix: string, readModels: ReadModelConfig = {}, events: StoreKind = "dynamodb", options: E2eOptions = {}): Promise<E2eApi> => {
  const dir = await mkdtemp(path.join(tmpdir(), "bookstore-e2e-"));
  const memoryEvents = events === "memory" ? createInMemoryTable() : undefined;
  const logger = new FaultKeepingLogger();
  const auth = { ...localAuthConfig({}), keyDir: path.join(dir, "auth") };
  const local = await startLocalApi({
    dynamoDbEndpoint: dynamoDbEndpoint(),
    tables: tableNames(`${prefix}-${ulid().toLowerCase()}`),
    port: 0,
    readModels,
    auth,
    logger,
    ...(memoryEvents === undefined
      ? {}
      : { eventStores: { store: createInMemoryEventStore({ table: memoryEvents }), snapshots: createInMemorySnapshotStore(memoryEvents) } }),
  });
  const token = (request: TokenRequest) => mintToken(local.keys, auth, request);
  const queues = options.readSide === undefined ? undefined : await freshQueues(prefix);
  const readSide: ReadSide | undefined =
    queues === undefined
      ? undefined
      : await startReadSide({
          runtime: local.runtime,
          dynamoDbEndpoint: dynamoDbEndpoint(),
          queues: queues.queues,
          idleDelayMs: 50,
          sweepEveryMs: 0,
          only: options.readSide,
        });
  let stopping: Promise<void> | undefined;
  const stopReadSide = () => (stopping ??= readSide?.stop() ?? Promise.resolve());
  return {
    url: local.server.url,
    local,
    ...(memoryEvents === undefined ? {} : { memoryEvents }),
    token,
    faults: () => (logger.faults.length === 0 ? "no faults logged" : `${logger.faults.length} faults logged; the first:\n${logger.faults.slice(0, 2).join("\n")}`),
    queues,
    stopReadSide,
    as: async (user, groups = [], claims = {}) => client(local.server.url, subFor(user), await token({ user, groups, ...claims })),
    close: async () => {
      await stopReadSide();
      await local.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
};

/** How long a read model may take to show a write here; generous, the machine is shared. */
export const VISIBLE_WITHIN = { timeout: 30_000, interval: 100 };

/** A book's page once the book-detail read model shows what `ready` waits for (its available stock, say). */
export const bookPage = async (client: Client, bookId: string, ready: (body: Json) => boolean): Promise<Response> => {
  let last: Response | undefined;
  await expect.poll(async () => ready((last = await client.get(`/books/${bookId}`)).body), VISIBLE_WITHIN).toBe(true);
  return last!;
};

/** Waits for the book page to show `available` copies (the read model follows the checkouts); fails if it never does. */
export const expectAvailable = async (client: Client, bookId: string, available: number): Promise<void> => {
  await expect.poll(async () => (await client.get(`/books/${bookId}`)).body?.available, VISIBLE_WITHIN).toBe(available);
};

let isbnSeq = 0;
/** A valid ISBN-13, different on each call. */
export const nextIsbn = (): string => {
  const body = `979${String(200000000 + isbnSeq++).slice(-9)}`;
  return body + String(isbn13CheckDigit(body));
};

export const newBook = (overrides: Record<string, unknown> = {}) => ({
  title: "The Dispossessed",
  authors: ["Ursula K. Le Guin"],
  isbn: nextIsbn(),
  category: "science-fiction",
  description: "An ambiguous utopia.",
  priceCents: 1450,
  currency: "EUR",
  ...overrides,
});

/** An admin adds a book and receives stock of it; answers its id. */
export const stockedBook = async (admin: Client, quantity: number, overrides: Record<string, unknown> = {}): Promise<string> => {
  const added = await admin.post("/books", newBook(overrides));
  if (added.status !== 201) throw new Error(`adding a book: ${added.status} ${JSON.stringify(added.body)}`);
  const bookId = added.body.bookId as string;
  const received = await admin.post(`/inventory/${bookId}/receipts`, { quantity });
  if (received.status !== 200) throw new Error(`receiving stock: ${received.status} ${JSON.stringify(received.body)}`);
  return bookId;
};

/** The types of a stream's events, as the admin stream endpoint shows them. */
export const eventTypes = async (admin: Client, streamId: string): Promise<string[]> => {
  const r = await admin.get(`/streams/${encodeURIComponent(streamId)}/events`);
  if (r.status !== 200) throw new Error(`reading ${streamId}: ${r.status}`);
  return (r.body.events as { type: string }[]).map((e) => e.type);
};
