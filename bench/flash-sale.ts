/**
 * A flash sale on DynamoDB Local, in one run: 1, 8, 32 and 64 buyers checking out ONE book at
 * once, through the command handler (cart, catalogue and stock read, the reservation's
 * transaction, the charge at the local payment gateway, its record, the stock committed),
 * beside the raw DynamoDB operations the design rests on: the conditional counter update alone
 * (`ADD available -1` if `available >= 1`), and one `TransactWriteItems` of the items a
 * checkout's reservation writes. Two workloads: stock for every buyer of the round, and stock
 * for half of them, where exactly that half must be served and the rest told `InsufficientStock`.
 *
 * Each buyer is a customer with one copy of the book in the cart, filled before the timed part
 * by another handler with a store of its own (as another API instance would), so the timed part
 * is the checkout command alone. The subjects take turns in rounds, in rotating orders, so drift
 * in the machine's load falls on all of them; the rounds are sized from an unmeasured warm-up
 * round to last about `--round-ms` each. Every DynamoDB call is counted by operation, and the
 * CPU of this process and of DynamoDB Local is taken per subject, to show where a checkout's time goes.
 */
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  PutItemCommand,
  TransactionCanceledException,
  type TransactWriteItem,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import { marshall } from "@aws-sdk/util-dynamodb";
import { isLeft } from "fp-ts/lib/Either.js";
import { setTimeout as sleep } from "node:timers/promises";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { monotonicFactory } from "ulid";
import { LocalPaymentGateway } from "../domain/local-payment-gateway.js";
import type { CommandDeps, CommandMeta } from "../handlers/commands/deps.js";
import { createCommandHandler, type CheckoutOutcome, type CommandHandler } from "../handlers/commands/handle.js";
import { stockCounterKey } from "../handlers/commands/stock.js";
import { isbn13CheckDigit } from "../local/seed/catalogue.js";
import { localAwsConfig, startDynamoDbLocal } from "../local/dynamodb-local.js";
import { createDynamoDbClient, createEventStore, createSnapshotStore, createTables, keys, tableNames } from "../store/index.js";
import { freePort, percentile, processCpuSeconds } from "./measure.js";
import { SHIP_TO } from "../tests/kit/ship-to.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const { values } = parseArgs({
  options: {
    concurrency: { type: "string", default: "1,8,32,64" },
    rounds: { type: "string", default: "3" },
    "round-ms": { type: "string", default: "500" },
    "min-per-buyer": { type: "string", default: "1" },
  },
});
const CONCURRENCY = values.concurrency.split(",").map(Number);
if (CONCURRENCY.some((c) => !Number.isInteger(c) || c < 1)) throw new Error("--concurrency lists whole numbers, at least 1 (e.g. 1,8,32,64)");
const ROUNDS = Number(values.rounds);
if (!Number.isInteger(ROUNDS) || ROUNDS < 1) throw new Error("--rounds is a whole number, at least 1");
const ROUND_MS = Number(values["round-ms"]);
if (!(ROUND_MS > 0)) throw new Error("--round-ms is the target length of each subject's turn in a round, in ms");
/** Each concurrent buyer checks out at least this many carts per round, so a round is more than its ramp-up. */
const MIN_PER_BUYER = Number(values["min-per-buyer"]);
if (!Number.isInteger(MIN_PER_BUYER) || MIN_PER_BUYER < 1) throw new Error("--min-per-buyer is a whole number, at least 1");
/** Carts are filled this many at a time, before the timed part. */
const FILL_CONCURRENCY = 16;
/** The warm-up's checkouts, at most this many buyers per turn: it warms the code and DynamoDB Local, and sizes the rounds. */
const WARM_UP_BUYERS_MAX = 32;
const GOAL_RATIO = 0.5;

const SUBJECTS = ["checkout, enough stock", "checkout, stock for half", "raw counter UpdateItem", "raw TransactWriteItems"] as const;
type SubjectName = (typeof SUBJECTS)[number];
/** Rotating orders of the four subjects, one per round. */
const ORDERS = [[0, 1, 2, 3], [3, 2, 1, 0], [1, 3, 0, 2], [2, 0, 3, 1]] as const;

interface CallTally {
  n: number;
  ms: number;
}
interface Tally {
  /** Operations answered (checkouts: successes and refusals alike). */
  done: number;
  ms: number;
  latencies: number[];
  outcomes: Map<string, number>;
  retries: { "transaction-conflict": number; version: number };
  calls: Map<string, CallTally>;
  /** Updates of a stock counter item (`stock#…`) sent, alone or in a transaction. */
  counterWrites: number;
  /** CPU seconds during the timed parts: this process, DynamoDB Local. */
  cpu: { self: number; server: number };
  /** Stock-for-half rounds where exactly the stock's worth was served and every other buyer told InsufficientStock. */
  exactRounds: number;
  rounds: number;
  /** Rounds whose stock counter did not end where the paid orders put it. */
  counterMismatches: number;
  /** Checkouts that should have succeeded (the stock's worth, in every workload). */
  expectedPaid: number;
}
const emptyTally = (): Tally => ({
  done: 0,
  ms: 0,
  latencies: [],
  outcomes: new Map(),
  retries: { "transaction-conflict": 0, version: 0 },
  calls: new Map(),
  counterWrites: 0,
  cpu: { self: 0, server: 0 },
  exactRounds: 0,
  rounds: 0,
  counterMismatches: 0,
  expectedPaid: 0,
});
const bump = (m: Map<string, number>, k: string, n = 1) => m.set(k, (m.get(k) ?? 0) + n);

/** The tally that DynamoDB calls and command retries are counted into: the timed part running now, if any. */
let counting: Tally | undefined;

/** Counts every call the client sends, by operation, with the time it took (SDK retries included). */
const countCalls = (client: DynamoDBClient): void => {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const into = counting;
      if (into !== undefined) {
        const input = args.input as { Key?: Record<string, AttributeValue>; TransactItems?: TransactWriteItem[] };
        const isCounter = (key: Record<string, AttributeValue> | undefined) => key?.[keys.pk]?.S?.startsWith("stock#") === true;
        if (context.commandName === "UpdateItemCommand" && isCounter(input.Key)) into.counterWrites++;
        for (const item of input.TransactItems ?? []) if (isCounter(item.Update?.Key)) into.counterWrites++;
      }
      const began = performance.now();
      try {
        return await next(args);
      } finally {
        if (into !== undefined) {
          const op = (context.commandName ?? "unknown").replace(/Command$/, "");
          const c = into.calls.get(op) ?? { n: 0, ms: 0 };
          c.n++;
          c.ms += performance.now() - began;
          into.calls.set(op, c);
        }
      }
    },
    { step: "initialize", name: "benchCallCounter" },
  );
};

/** Runs `work` on each of `items`, `concurrency` at a time, pulling from one queue. */
const pool = async <T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> => {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
};

/** `ops` operations by `concurrency` workers; latency per operation, CPU of both processes over the whole. */
const timed = async (into: Tally, concurrency: number, ops: number, serverPid: number | undefined, op: (i: number) => Promise<void>): Promise<void> => {
  const cpu0 = process.cpuUsage();
  const server0 = processCpuSeconds(serverPid) ?? 0;
  counting = into;
  const began = performance.now();
  await pool(
    Array.from({ length: ops }, (_, i) => i),
    concurrency,
    async (i) => {
      const t0 = performance.now();
      await op(i);
      into.latencies.push(performance.now() - t0);
      into.done++;
    },
  );
  into.ms += performance.now() - began;
  counting = undefined;
  const cpu = process.cpuUsage(cpu0);
  into.cpu.self += (cpu.user + cpu.system) / 1e6;
  into.cpu.server += (processCpuSeconds(serverPid) ?? 0) - server0;
};

const newId = monotonicFactory();
let isbnSeq = 0;
const nextIsbn = (): string => {
  const body = `979${String(100000000 + isbnSeq++).slice(-9)}`;
  return body + String(isbn13CheckDigit(body));
};
const admin: CommandMeta = { actor: "admin:bench", correlationId: "bench" };
const customer = (customerId: string, commandId?: string): CommandMeta => ({
  actor: `customer:${customerId}`,
  correlationId: "bench",
  ...(commandId === undefined ? {} : { commandId }),
});

const main = async (): Promise<void> => {
  const runStarted = performance.now();
  const port = await freePort();
  console.log(`Starting DynamoDB Local (in memory) on port ${port} ...`);
  const server = await startDynamoDbLocal({ port });
  const client = createDynamoDbClient(localAwsConfig(server.endpoint));
  countCalls(client);
  try {
    const names = tableNames(`bench-flash-${Date.now()}`);
    await createTables(client, names);
    const table = names.events;

    const depsFor = (): CommandDeps => ({
      store: createEventStore({ client, tableName: table }),
      snapshots: createSnapshotStore({ client, tableName: table }),
      payments: new LocalPaymentGateway(),
      clock: () => new Date(),
      newId: () => newId(),
      random: Math.random,
      onRetry: (reason) => {
        if (counting !== undefined) counting.retries[reason]++;
      },
      onBackgroundError: (e) => {
        throw e;
      },
    });
    /** The handler whose checkouts are measured; another, with a store of its own, fills the carts and stocks the books. */
    const shop: CommandHandler = createCommandHandler(depsFor());
    const filler: CommandHandler = createCommandHandler(depsFor());
    const counters = createEventStore({ client, tableName: table });
    const must = async (what: string, outcome: ReturnType<CommandHandler["handle"]>): Promise<void> => {
      const o = await outcome;
      if (isLeft(o)) throw new Error(`${what}: ${JSON.stringify(o.left)}`);
    };

    const stockedBook = async (copies: number): Promise<string> => {
      const bookId = newId();
      await must("AddBook", filler.handle({ type: "AddBook", bookId, title: `Hot book ${bookId}`, authors: ["A. Writer"], isbn: nextIsbn(), category: "fiction", description: "On sale today.", priceCents: 1500, currency: "EUR" }, admin));
      if (copies > 0) await must("ReceiveStock", filler.handle({ type: "ReceiveStock", bookId, quantity: copies }, admin));
      return bookId;
    };

    /** Buyers of the book, one copy each in their carts, written before anything is timed. */
    const buyersOf = async (bookId: string, count: number) => {
      const buyers = Array.from({ length: count }, () => ({ customerId: newId(), orderId: newId(), key: newId() }));
      await pool(buyers, FILL_CONCURRENCY, (b) => must("AddCartItem", filler.handle({ type: "AddCartItem", customerId: b.customerId, bookId, quantity: 1 }, customer(b.customerId))));
      return buyers;
    };

    const checkouts = async (into: Tally, concurrency: number, buyersCount: number, stock: number): Promise<void> => {
      const bookId = await stockedBook(stock);
      const buyers = await buyersOf(bookId, buyersCount);
      const outcomes = new Map<string, number>();
      await timed(into, concurrency, buyers.length, server.pid, async (i) => {
        const b = buyers[i]!;
        const answer = await shop.handle({ type: "Checkout", shippingAddress: SHIP_TO, customerId: b.customerId, orderId: b.orderId, paymentToken: "tok_visa" }, customer(b.customerId, b.key));
        bump(outcomes, isLeft(answer) ? answer.left.kind : `status ${(answer.right.result as CheckoutOutcome).status}`);
      });
      await shop.settle();
      const paid = outcomes.get("status paid") ?? 0;
      for (const [k, n] of outcomes) bump(into.outcomes, k, n);
      into.rounds++;
      into.expectedPaid += Math.min(stock, buyersCount);
      if (paid === Math.min(stock, buyersCount) && (outcomes.get("InsufficientStock") ?? 0) === buyersCount - paid) into.exactRounds++;
      // The counter must end where the paid orders put it: their copies gone from what is available.
      const counter = (await counters.readCounters([stockCounterKey(bookId)])).get(stockCounterKey(bookId));
      if (counter?.available !== stock - paid) into.counterMismatches++;
    };

    let rawSeq = 0;
    const counterKey = (kind: string) => ({ [keys.pk]: { S: `stock#raw-${kind}-${++rawSeq}` }, [keys.sk]: { N: "0" } });
    const plenty = 1_000_000_000;

    /** The conditional update the design rests on, alone: one copy off `available`, never below zero. */
    const rawCounter = async (into: Tally, concurrency: number, ops: number): Promise<void> => {
      const Key = counterKey("counter");
      await client.send(new PutItemCommand({ TableName: table, Item: { ...Key, kind: { S: "counter" }, available: { N: String(plenty) } } }));
      await timed(into, concurrency, ops, server.pid, async () => {
        try {
          await client.send(
            new UpdateItemCommand({
              TableName: table,
              Key,
              UpdateExpression: "ADD available :minus1",
              ConditionExpression: "available >= :one",
              ExpressionAttributeValues: { ":minus1": { N: "-1" }, ":one": { N: "1" } },
            }),
          );
          bump(into.outcomes, "ok");
        } catch (e) {
          bump(into.outcomes, e instanceof ConditionalCheckFailedException ? "ConditionalCheckFailed" : String((e as Error).name));
        }
      });
    };

    /**
     * What a checkout's reservation writes, in one TransactWriteItems: the counter's `available`
     * taken down behind its guard (as the store writes it), and a put per new item,
     * each only if it does not exist: the order's OrderPlaced, the reservation's StockReserved,
     * the cart's CartCheckedOut, the payment's PaymentRequested and the idempotency record.
     * A transaction DynamoDB cancels for overlapping another is sent again, with the store's backoff.
     */
    const rawTransaction = async (into: Tally, concurrency: number, ops: number): Promise<void> => {
      const Key = counterKey("transaction");
      const bookId = `raw-${rawSeq}`;
      await client.send(
        new PutItemCommand({ TableName: table, Item: { ...Key, kind: { S: "counter" }, available: { N: String(plenty) } } }),
      );
      const counter: TransactWriteItem = {
        Update: {
          TableName: table,
          Key,
          UpdateExpression: "ADD #a0 :a0",
          ConditionExpression: `attribute_exists(${keys.pk}) AND #g0 >= :g0`,
          ExpressionAttributeNames: { "#a0": "available", "#g0": "available" },
          ExpressionAttributeValues: { ":a0": { N: "-1" }, ":g0": { N: "1" } },
          ReturnValuesOnConditionCheckFailure: "ALL_OLD",
        },
      };
      const now = () => new Date().toISOString();
      const event = (stream: string, version: number, type: string, data: Record<string, unknown>): Record<string, AttributeValue> => {
        const eventId = newId();
        return marshall({
          [keys.pk]: stream,
          [keys.sk]: version,
          kind: "event",
          gsi1pk: `all#${now().slice(0, 13)}#${eventId.charCodeAt(25) % 4}`,
          gsi1sk: eventId,
          eventId,
          type,
          schemaVersion: 1,
          streamId: stream,
          version,
          occurredAt: now(),
          data,
          meta: { correlationId: "bench", causationId: "bench", actor: "customer:bench", commandId: "bench" },
        });
      };
      const put = (Item: Record<string, AttributeValue>): TransactWriteItem => ({ Put: { TableName: table, Item, ConditionExpression: `attribute_not_exists(${keys.pk})` } });
      await timed(into, concurrency, ops, server.pid, async () => {
        const orderId = newId();
        const customerId = newId();
        const line = { bookId, title: "Hot book", quantity: 1, unitPriceCents: 1500 };
        const items = [
          put(event(`order#${orderId}`, 1, "OrderPlaced", { orderId, customerId, lines: [line], totalCents: 1500, currency: "EUR", placedAt: now() })),
          put(event(`reservation#${orderId}`, 1, "StockReserved", { bookId, orderId, quantity: 1 })),
          put(event(`cart#${customerId}`, 2, "CartCheckedOut", { customerId, orderId })),
          put(event(`payment#${orderId}`, 1, "PaymentRequested", { orderId, amountCents: 1500, currency: "EUR", idempotencyKey: `order-${orderId}` })),
          counter,
          put(marshall({ [keys.pk]: `command#${newId()}`, [keys.sk]: 0, kind: "command", commandId: orderId, result: { orderId, totalCents: 1500, currency: "EUR" }, versions: {}, recordedAt: now() })),
        ];
        for (let attempt = 0; ; attempt++) {
          try {
            await client.send(new TransactWriteItemsCommand({ TransactItems: items, ClientRequestToken: newId() }));
            bump(into.outcomes, "ok");
            return;
          } catch (e) {
            const codes = e instanceof TransactionCanceledException ? (e.CancellationReasons ?? []).map((r) => r.Code ?? "None") : [];
            if (codes.includes("TransactionConflict") && codes.every((c) => c === "TransactionConflict" || c === "None") && attempt < 12) {
              into.retries["transaction-conflict"]++;
              await sleep(Math.min(100, 2 ** attempt) * (0.5 + Math.random()));
              continue;
            }
            bump(into.outcomes, codes.length > 0 ? codes.join(",") : String((e as Error).name));
            return;
          }
        }
      });
    };

    /** How many operations each subject runs per round at each concurrency; set from the warm-up. */
    const sizes = new Map<string, number>();
    const sizeKey = (subject: SubjectName, c: number) => `${subject}@${c}`;
    const minimum = (subject: SubjectName, c: number) => (subject.startsWith("checkout") ? Math.max(8, MIN_PER_BUYER * c) : Math.max(50, 10 * MIN_PER_BUYER * c));
    const sizeOf = (subject: SubjectName, c: number) => sizes.get(sizeKey(subject === "checkout, stock for half" ? "checkout, enough stock" : subject, c)) ?? minimum(subject, c);

    let prepMs = 0;
    /** Runs a subject's turn; its rate so far sizes its next turn at that concurrency. */
    const run = async (subject: SubjectName, into: Tally, c: number, cap = Infinity): Promise<void> => {
      const n = Math.min(cap, sizeOf(subject, c));
      const began = performance.now();
      const timedBefore = into.ms;
      switch (subject) {
        case "checkout, enough stock":
          await checkouts(into, c, n, n);
          break;
        case "checkout, stock for half":
          await checkouts(into, c, n, Math.floor(n / 2));
          break;
        case "raw counter UpdateItem":
          await rawCounter(into, c, n);
          break;
        case "raw TransactWriteItems":
          await rawTransaction(into, c, n);
          break;
      }
      prepMs += performance.now() - began - (into.ms - timedBefore);
      if (subject !== "checkout, stock for half") sizes.set(sizeKey(subject, c), Math.max(minimum(subject, c), Math.round((into.done / into.ms) * ROUND_MS)));
    };

    // Warm DynamoDB Local, the connection pool and the code, unmeasured; its rates size the rounds.
    const warmStarted = performance.now();
    for (const c of CONCURRENCY) {
      for (const subject of SUBJECTS) await run(subject, emptyTally(), c, subject.startsWith("checkout") ? WARM_UP_BUYERS_MAX : Infinity);
    }
    console.log(`Warm-up round (unmeasured) took ${((performance.now() - warmStarted) / 1000).toFixed(0)} s. Operations per subject in the first measured round:`);
    for (const c of CONCURRENCY) {
      console.log(`  ${String(c).padStart(2)} at once: ${SUBJECTS.filter((s) => s !== "checkout, stock for half").map((s) => `${s.replace(", enough stock", "")} ${sizeOf(s, c)}`).join(", ")}`);
    }

    const tallies = new Map<string, Tally>();
    const tallyOf = (subject: SubjectName, c: number): Tally => {
      const k = sizeKey(subject, c);
      if (!tallies.has(k)) tallies.set(k, emptyTally());
      return tallies.get(k)!;
    };
    const measuredStarted = performance.now();
    for (let r = 0; r < ROUNDS; r++) {
      for (const c of CONCURRENCY) {
        for (const i of ORDERS[r % ORDERS.length]!) {
          const subject = SUBJECTS[i]!;
          await run(subject, tallyOf(subject, c), c);
        }
      }
      console.log(`  round ${r + 1} of ${ROUNDS} measured`);
    }
    console.log(`Measured rounds took ${((performance.now() - measuredStarted) / 1000).toFixed(0)} s; filling carts and stocking books, untimed, ${(prepMs / 1000).toFixed(0)} s of the whole run.`);

    report(CONCURRENCY, tallyOf);
    console.log(`\nThe whole run took ${((performance.now() - runStarted) / 1000).toFixed(0)} s.`);
  } finally {
    client.destroy();
    await server.stop();
  }
};

const figures = (t: Tally) => {
  const sorted = [...t.latencies].sort((a, b) => a - b);
  return { rate: (t.done / t.ms) * 1000, p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
};

const table = (header: string[], rows: string[][], leftColumns = 1): void => {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < leftColumns ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(" | ");
  console.log(line(header));
  console.log(widths.map((w) => "-".repeat(w)).join("-|-"));
  for (const r of rows) console.log(line(r));
};

const pct = (n: number, of: number) => (of === 0 ? "-" : `${((100 * n) / of).toFixed(1)}%`);

const report = (concurrency: readonly number[], tallyOf: (s: SubjectName, c: number) => Tally): void => {
  console.log(`\nOne hot book on DynamoDB Local, ${ROUNDS} round(s), subjects interleaved; a checkout is the whole command (reservation, charge, its record, the stock committed).`);
  console.log("Latency per operation; checkouts/s counts every answer (stock for half: the refusals too).\n");
  const checkoutRows: string[][] = [];
  for (const c of concurrency) {
    for (const subject of ["checkout, enough stock", "checkout, stock for half"] as const) {
      const t = tallyOf(subject, c);
      const f = figures(t);
      const paid = t.outcomes.get("status paid") ?? 0;
      const short = t.outcomes.get("InsufficientStock") ?? 0;
      const other = t.done - paid - short;
      checkoutRows.push([
        String(c),
        subject.replace("checkout, ", ""),
        String(t.done),
        f.rate.toFixed(1),
        f.p50.toFixed(1),
        f.p99.toFixed(1),
        `${paid} (${pct(paid, t.done)})`,
        `${paid}/${t.expectedPaid}`,
        String(short),
        String(other),
        subject === "checkout, stock for half" ? `${t.exactRounds}/${t.rounds}` : "",
        String(t.retries["transaction-conflict"]),
        String(t.retries.version),
      ]);
    }
  }
  table(
    ["buyers at once", "stock", "checkouts", "checkouts/s", "p50 ms", "p99 ms", "paid", "paid/stock's worth", "InsufficientStock", "other errors", "exact rounds", "retries: txn conflict", "retries: version"],
    checkoutRows,
    2,
  );
  const otherKinds = new Set<string>();
  for (const c of concurrency) {
    for (const s of ["checkout, enough stock", "checkout, stock for half"] as const) {
      for (const k of tallyOf(s, c).outcomes.keys()) if (k !== "status paid" && k !== "InsufficientStock") otherKinds.add(`${k} (${s}, ${c} at once: ${tallyOf(s, c).outcomes.get(k)})`);
      if (tallyOf(s, c).counterMismatches > 0) otherKinds.add(`stock counter not where the paid orders put it (${s}, ${c} at once: ${tallyOf(s, c).counterMismatches} round(s))`);
    }
  }
  if (otherKinds.size > 0) console.log(`Other answers: ${[...otherKinds].join("; ")}`);
  else console.log("Every stock counter ended where the paid orders put it.");
  const conflicts = concurrency.reduce((n, c) => n + SUBJECTS.reduce((m, s) => m + tallyOf(s, c).retries["transaction-conflict"], 0), 0);
  if (conflicts === 0) console.log("No transaction was cancelled for a TransactionConflict in this run; decisions taken again (a stream moved on, or a counter guard refused) count as `version`.");

  console.log("\nBaselines, the same concurrencies, straight through the SDK on the same client and table:");
  console.log("raw counter = UpdateItem ADD available :minus1 IF available >= :one on one item;");
  console.log("raw transaction = TransactWriteItems of the counter update (as the store writes it) and five puts IF attribute_not_exists (order, reservation, cart, payment, idempotency record), re-sent on TransactionConflict.\n");
  const baseRows = concurrency.map((c) => {
    const a = tallyOf("raw counter UpdateItem", c);
    const b = tallyOf("raw TransactWriteItems", c);
    const fa = figures(a);
    const fb = figures(b);
    const failed = (t: Tally) => String(t.done - (t.outcomes.get("ok") ?? 0));
    return [String(c), fa.rate.toFixed(0), fa.p50.toFixed(2), fa.p99.toFixed(2), failed(a), fb.rate.toFixed(0), fb.p50.toFixed(2), fb.p99.toFixed(2), String(b.retries["transaction-conflict"]), failed(b)];
  });
  table(["at once", "raw counter ops/s", "p50 ms", "p99 ms", "failed", "raw transaction /s", "p50 ms", "p99 ms", "re-sent (conflict)", "failed"], baseRows);

  console.log(`\nThe hot book's checkout rate (enough stock) against the baselines; goal: at least ${GOAL_RATIO * 100}% of the raw counter's.\n`);
  const ratios = concurrency.map((c) => {
    const co = figures(tallyOf("checkout, enough stock", c)).rate;
    return { c, co, counter: co / figures(tallyOf("raw counter UpdateItem", c)).rate, transaction: co / figures(tallyOf("raw TransactWriteItems", c)).rate };
  });
  table(
    ["at once", "checkouts/s", "÷ raw counter", "÷ raw transaction", `>= ${GOAL_RATIO * 100}% of raw counter`],
    ratios.map((r) => [String(r.c), r.co.toFixed(1), `${(100 * r.counter).toFixed(1)}%`, `${(100 * r.transaction).toFixed(1)}%`, r.counter >= GOAL_RATIO ? "yes" : "no"]),
  );

  const allServed = concurrency.every((c) => {
    const enough = tallyOf("checkout, enough stock", c);
    const half = tallyOf("checkout, stock for half", c);
    return (
      (enough.outcomes.get("status paid") ?? 0) === enough.done &&
      half.exactRounds === half.rounds &&
      enough.counterMismatches === 0 &&
      half.counterMismatches === 0
    );
  });
  const worst = ratios.reduce((a, b) => (b.counter < a.counter ? b : a));
  console.log("\nGoals:");
  console.log(
    `- "100% of checkouts with stock available succeed at every concurrency": ${allServed ? "MET" : "NOT MET"}` +
      (allServed ? " (every checkout with stock was paid; with stock for half, exactly the stock's worth was paid in every round, the rest InsufficientStock, no other error)." : " (see the table above)."),
  );
  console.log(
    `- "the hot book's checkout rate at least ${GOAL_RATIO * 100}% of the raw counter's": ${ratios.every((r) => r.counter >= GOAL_RATIO) ? "MET" : "NOT MET"}` +
      ` (lowest ${(100 * worst.counter).toFixed(1)}% at ${worst.c} at once; ${ratios.map((r) => `${r.c}: ${(100 * r.counter).toFixed(1)}%`).join(", ")}).`,
  );

  console.log("\nWhere a checkout's time goes (enough stock): DynamoDB calls per checkout by operation, the mean time of each call,");
  console.log("and CPU per operation of this process (SDK, codecs, deciders) and of DynamoDB Local, which share the machine's cores.\n");
  const ops = new Set<string>();
  for (const c of concurrency) for (const op of tallyOf("checkout, enough stock", c).calls.keys()) ops.add(op);
  const opList = [...ops].sort((a, b) => (tallyOf("checkout, enough stock", concurrency[0]!).calls.get(b)?.n ?? 0) - (tallyOf("checkout, enough stock", concurrency[0]!).calls.get(a)?.n ?? 0));
  const callRows = concurrency.map((c) => {
    const t = tallyOf("checkout, enough stock", c);
    const total = [...t.calls.values()].reduce((s, x) => s + x.n, 0);
    const callMs = [...t.calls.values()].reduce((s, x) => s + x.ms, 0);
    return [
      String(c),
      (total / t.done).toFixed(1),
      ...opList.map((op) => {
        const x = t.calls.get(op);
        return x === undefined ? "-" : `${(x.n / t.done).toFixed(1)} × ${(x.ms / x.n).toFixed(1)}`;
      }),
      (callMs / t.done).toFixed(1),
      figures(t).p50.toFixed(1),
      ((1000 * t.cpu.self) / t.done).toFixed(2),
      ((1000 * t.cpu.server) / t.done).toFixed(2),
    ];
  });
  table(["at once", "calls", ...opList.map((op) => `${op} (n × ms)`), "call ms/checkout", "p50 ms", "CPU ms node", "CPU ms DDB Local"], callRows);
  const baselineCpu = concurrency.map((c) => {
    const cell = (s: SubjectName) => {
      const t = tallyOf(s, c);
      return `${((1000 * t.cpu.self) / t.done).toFixed(2)} / ${((1000 * t.cpu.server) / t.done).toFixed(2)}`;
    };
    return [String(c), cell("raw counter UpdateItem"), cell("raw TransactWriteItems")];
  });
  console.log("");
  table(["at once", "raw counter: CPU ms node / DDB Local per op", "raw transaction: CPU ms node / DDB Local per op"], baselineCpu);
  // This process and DynamoDB Local share the cores: where CPU is the limit, rates stand as the inverse of the CPU per operation.
  const cpuPerOp = (s: SubjectName, which: "self" | "server" | "both") => {
    const ts = concurrency.map((c) => tallyOf(s, c));
    const cpu = ts.reduce((n, t) => n + (which === "self" ? t.cpu.self : which === "server" ? t.cpu.server : t.cpu.self + t.cpu.server), 0);
    return (1000 * cpu) / ts.reduce((n, t) => n + t.done, 0);
  };
  const ms = (s: SubjectName, w: "self" | "server" | "both") => cpuPerOp(s, w).toFixed(1);
  const co = "checkout, enough stock";
  const perCheckout = (t: Tally) => t.counterWrites / t.done;
  const writes = concurrency.map((c) => perCheckout(tallyOf(co, c)));
  console.log(
    `\nOver all concurrencies, CPU per operation (this process + DynamoDB Local): a checkout ${ms(co, "self")} + ${ms(co, "server")} ms, ` +
      `a raw counter update ${ms("raw counter UpdateItem", "self")} + ${ms("raw counter UpdateItem", "server")} ms, a raw transaction ` +
      `${ms("raw TransactWriteItems", "self")} + ${ms("raw TransactWriteItems", "server")} ms. On a machine whose cores are the limit, the checkout ` +
      `rate can reach about ${((100 * cpuPerOp("raw counter UpdateItem", "both")) / cpuPerOp(co, "both")).toFixed(1)}% of the raw counter's and ` +
      `${((100 * cpuPerOp("raw TransactWriteItems", "both")) / cpuPerOp(co, "both")).toFixed(1)}% of the raw transaction's.`,
  );
  const most = Math.max(...writes);
  console.log(
    `Writes of the hot book's stock counter per checkout: ${Math.min(...writes).toFixed(1)}${most > Math.min(...writes) ? `-${most.toFixed(1)}` : ""} ` +
      "(in the reservation's transaction; committing a paid order leaves `available` as it is and writes no counter); the raw counter writes it once per operation.",
  );
  // What bounds a hot book on DynamoDB itself, where a partition (one item) takes about 1,000 WCU/s
  // and the rest of a checkout's calls go to partitions of their own: a transactional write costs 2 WCU.
  console.log(
    `On DynamoDB, where one item takes about 1,000 write units a second: a raw counter update costs 1 unit, a checkout ${(2 * most).toFixed(1)} on the hot item ` +
      `(${most.toFixed(1)} transactional write${most === 1 ? "" : "s"} at 2 units), so the hot book's checkouts can reach ${((100 * 1) / (2 * most)).toFixed(0)}% of the raw counter's rate there ` +
      "(a figure derived from the writes counted above, not measured: DynamoDB Local is bound by its CPU, not by a partition).",
  );
};

await main();
