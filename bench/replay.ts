// `npm run bench:replay [-- --sizes 100000,1000000] [--projections bestsellers,order-history]
// [--batch-size n] [--load-concurrency n] [--events-per-hour n] [--readers thread,same] [--rounds n]`: replay throughput and peak memory into the
// projections that read books and orders (Redis, DynamoDB views, the integration bus), beside
// the raw rate of reading the same events with readAll alone, and each one's peak memory at the
// largest size against the smallest. Each size runs in fresh tables on the same servers.
import { CreateTableCommand } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { Redis } from "ioredis";
import { parseArgs } from "node:util";
import { performance } from "node:perf_hooks";
import { monotonicFactory } from "ulid";
import { readInThisThread, type ReplayReader } from "../cli/replay-batches.js";
import { readInReaderThread } from "../cli/replay-reader-thread.js";
import { runReplay, type ReplayProgress } from "../cli/replay-run.js";
import { eventTypes, streamId } from "../events/index.js";
import { localAwsConfig } from "../local/dynamodb-local.js";
import { startLocalServers } from "../local/servers.js";
import { bestsellers } from "../projections/bestsellers.js";
import { integrationEvents } from "../projections/integration-events.js";
import { orderHistory } from "../projections/order-history.js";
import { salesByCategory } from "../projections/sales-by-category.js";
import type { IntegrationPorts, Projection, RedisPorts, ViewPorts } from "../projections/index.js";
import { createDynamoDbClient, createEventStore, eventsTable, tableNames, viewsTable, type EventStore, type NewEvent } from "../store/index.js";
import { freePort, processCpuSeconds } from "./measure.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
type Ports = ViewPorts & RedisPorts & IntegrationPorts;
/** At most this many warm-up reads before the measured runs. */
const WARM_UP_ROUNDS_MAX = 8;
/** Events of each projection's unmeasured warm-up replay. */
const WARM_UP_REPLAY_EVENTS = 100_000;
const benched = [bestsellers, orderHistory, salesByCategory, integrationEvents] as Projection<Ports>[];
const { values } = parseArgs({
  options: {
    sizes: { type: "string", default: "100000" },
    projections: { type: "string", default: benched.map((p) => p.name).join(",") },
    "batch-size": { type: "string" },
    "load-concurrency": { type: "string", default: "4" },
    "events-per-hour": { type: "string", default: "1000" },
    readers: { type: "string", default: "thread" },
    rounds: { type: "string", default: "3" },
  },
});
const batchSize = values["batch-size"] === undefined ? undefined : Number(values["batch-size"]);
const loadConcurrency = Number(values["load-concurrency"]);
const rounds = Number(values.rounds);
if (!Number.isInteger(rounds) || rounds < 1) throw new Error("--rounds is a whole number, at least 1");
const eventsPerHour = Number(values["events-per-hour"]);
if (!Number.isInteger(eventsPerHour) || eventsPerHour < 0) throw new Error("--events-per-hour is a whole number, 0 for the wall clock");
/** How the replays read: in a reader thread beside the one that applies (as the CLI does), or in that same thread. */
const readerKinds = { thread: "reader thread", same: "one thread" } as const;
const readers = values.readers.split(",").map((kind) => {
  if (kind !== "thread" && kind !== "same") throw new Error("--readers lists thread (a reader thread beside the replay, as the CLI runs) and/or same (one thread)");
  return kind;
});
const sizes = values.sizes.split(",").map(Number);
const chosen = values.projections.split(",").map((name) => {
  const projection = benched.find((p) => p.name === name);
  if (projection === undefined) throw new Error(`no projection ${name} here; one of ${benched.map((p) => p.name).join(", ")}`);
  return projection;
});

const labelWidth = readers.length === 1 ? 18 : 33;

const meta = { correlationId: "bench", causationId: "bench", actor: "bench", commandId: "bench" };
const BOOKS = 50;

/**
 * An append that DynamoDB Local gave up on, waiting for its lock under parallel writers (which
 * real DynamoDB never does), is tried again; if the try it gave up on did land, the new streams
 * now exist and the retry's conflict says so.
 */
const appendAgainAfterLockTimeouts = async (store: EventStore, appends: Parameters<EventStore["append"]>[0]) => {
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await store.append(appends);
      if (result._tag === "Left" && !(attempt > 1 && result.left.kind === "ConcurrencyError")) throw new Error(JSON.stringify(result.left));
      return;
    } catch (e) {
      if (attempt >= 5 || (e as { name?: string }).name !== "InternalServerError") throw e;
    }
  }
};

/**
 * The history's clock. A store that has taken a million events has taken them over weeks, not
 * in the quarter of an hour this bench takes to write them, and readAll reads it an hour bucket
 * at a time. So by default the events are dated as a shop taking `--events-per-hour` would
 * have written them, ending now; 0 dates them by the wall clock as they are written, which
 * crams them all into one or two hours.
 */
const historyClock = (count: number) => {
  let written = 0;
  const start = Date.now() - (count * 3_600_000) / Math.max(eventsPerHour, 1);
  return {
    clock: eventsPerHour === 0 ? () => new Date() : () => new Date(start + (written * 3_600_000) / eventsPerHour),
    advance: (events: number) => (written += events),
  };
};

/** Orders of three events (placed, paid, shipped), 33 orders a transaction, until `count` events. */
const load = async (store: EventStore, count: number, history: ReturnType<typeof historyClock>) => {
  const newId = monotonicFactory();
  const books = Array.from({ length: BOOKS }, () => newId());
  for (const [i, bookId] of books.entries()) {
    const data = { bookId, title: `Book ${i}`, authors: ["A"], isbn: "9780141439549", category: `cat-${i % 5}`, description: "-", priceCents: 1000, currency: "EUR" };
    await store.append([{ streamId: streamId("book", bookId), expectedVersion: 0, events: [{ type: "BookAdded", data, meta } as NewEvent] }]);
  }
  let written = BOOKS;
  // Appends of distinct new streams, several in flight: the real append path, only sooner.
  const next = async (): Promise<void> => {
    while (written < count) {
      const appends = Array.from({ length: 33 }, (_, i) => {
        const orderId = newId();
        const bookId = books[(written + i) % BOOKS]!;
        const line = { bookId, title: "t", quantity: 1 + (i % 3), unitPriceCents: 1000, lineTotalCents: 1000 * (1 + (i % 3)) };
        return {
          streamId: streamId("order", orderId),
          expectedVersion: 0,
          events: [
            { type: "OrderPlaced", data: { orderId, customerId: "c", lines: [line], itemCount: line.quantity, totalCents: line.lineTotalCents, currency: "EUR", placedAt: history.clock().toISOString(), shippingAddress: null }, meta },
            { type: "OrderPaid", data: { orderId, paymentId: "p", amountCents: line.lineTotalCents, currency: "EUR" }, meta },
            { type: "OrderShipped", data: { orderId }, meta },
          ] as NewEvent[],
        };
      });
      written += 99;
      history.advance(99);
      await appendAgainAfterLockTimeouts(store, appends);
    }
  };
  await Promise.all(Array.from({ length: loadConcurrency }, next));
  return written;
};

const servers = await startLocalServers({ dynamo: { port: await freePort() }, redis: { port: await freePort() } });

/** CPU seconds so far of this process (every thread), DynamoDB Local and Redis. */
const cpuNow = () => {
  const own = process.cpuUsage();
  return { node: (own.user + own.system) / 1e6, dynamo: processCpuSeconds(servers.pids.dynamo), redis: processCpuSeconds(servers.pids.redis) };
};
type Cpu = ReturnType<typeof cpuNow>;
const cpuSince = (before: Cpu): Cpu => {
  const after = cpuNow();
  const less = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? undefined : a - b);
  return { node: after.node - before.node, dynamo: less(after.dynamo, before.dynamo), redis: less(after.redis, before.redis) };
};
/**
 * Where the CPU went, per event: the machine's cores are shared by this process, DynamoDB Local
 * and Redis, so a rate is bound by their sum as much as by any one of them.
 */
const perEvent = (cpu: Cpu, events: number) => {
  const us = (s: number | undefined) => (s === undefined ? "n/a" : `${Math.round((s * 1e6) / events)}`);
  return `node ${us(cpu.node)}, DynamoDB Local ${us(cpu.dynamo)}, Redis ${us(cpu.redis)}`;
};

interface Measured<T> {
  readonly result: T;
  readonly seconds: number;
  readonly peakMb: number;
  readonly cpu: Cpu;
}

/** Peak RSS during `run`, sampled every 50 ms (a forced GC first, so runs start alike), and the CPU it took. */
const measured = async <T>(run: () => Promise<T>): Promise<Measured<T>> => {
  globalThis.gc?.();
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const started = performance.now();
  const cpuBefore = cpuNow();
  try {
    const result = await run();
    return { result, seconds: (performance.now() - started) / 1000, peakMb: Math.max(peak, process.memoryUsage().rss) / 2 ** 20, cpu: cpuSince(cpuBefore) };
  } finally {
    clearInterval(timer);
  }
};

try {
  const rows: string[] = [];
  /** Peak RSS per projection (and readAll) per size, for the memory comparison across sizes. */
  const peaks = new Map<string, Map<number, number>>();
  const peak = (what: string, size: number, mb: number) => peaks.set(what, (peaks.get(what) ?? new Map<number, number>()).set(size, mb));
  for (const size of sizes) {
    const client = createDynamoDbClient(localAwsConfig(servers.dynamoDbEndpoint));
    const names = tableNames(`bench-replay-${size}-${Date.now()}`);
    // The events table without its stream: nothing here reads the stream, and DynamoDB Local
    // keeps every stream record beside the table, which made the load a third slower.
    const { StreamSpecification: _stream, ...withoutStream } = eventsTable(names.events);
    await Promise.all([client.send(new CreateTableCommand(withoutStream)), client.send(new CreateTableCommand(viewsTable(names.views)))]);
    const history = historyClock(size);
    const store = createEventStore({ client, tableName: names.events, clock: history.clock });
    const loadStart = performance.now();
    const events = await load(store, size, history);
    const dated = eventsPerHour === 0 ? "dated by the wall clock" : `dated ${eventsPerHour} an hour`;
    console.log(`loaded ${events} events (${dated}) in ${((performance.now() - loadStart) / 1000).toFixed(1)} s`);
    const readAlone = () =>
      measured(async () => {
        let n = 0;
        for await (const _ of store.readAll()) n++;
        return n;
      });
    const target = { dynamoDbEndpoint: servers.dynamoDbEndpoint, eventsTable: names.events };
    // As the CLI reads: in this thread while the reader thread starts, which is then kept for
    // the next read.
    const threadReader = readInReaderThread(target, { meanwhile: readInThisThread(store) });
    const readerOf = (kind: keyof typeof readerKinds): ReplayReader => (kind === "thread" ? threadReader : readInThisThread(store));
    // The raw read the way the replays read, every event of every type handed over: when a
    // reader thread reads faster than readAll alone, it is the baseline.
    const readBeside = () =>
      measured(async () => {
        let n = 0;
        for await (const batch of readerOf("thread")({ wanted: eventTypes, batchSize: 1000 })) n += batch.events.length;
        return n;
      });
    const redis = new Redis(servers.redisUrl, { keyPrefix: `bench-${size}:` });
    // A bus that keeps nothing: memory should show the replay's, not what was published.
    const integration = { bus: { publish: () => Promise.resolve() }, stockLowThreshold: 5 };
    const ports: Ports = { views: { client: DynamoDBDocumentClient.from(client), tableName: names.views }, redis, integration };
    let replayCount = 0;
    const replay = (projection: Projection<Ports>, kind: keyof typeof readerKinds, stopAfter?: number) => {
      // Each replay into an empty read model of its own: a second replay into the first one's
      // would find every event applied already, and only skip them.
      const fresh = `run-${replayCount++}`;
      const runPorts: Ports = { ...ports, views: { ...ports.views, keyPrefix: `${fresh}#` }, redisKeyPrefix: `${fresh}:` };
      let scanned = 0;
      return runReplay({
        projection,
        read: readerOf(kind),
        ports: runPorts,
        replayId: "bench",
        restart: true,
        ...(batchSize === undefined ? {} : { batchSize }),
        ...(stopAfter === undefined ? {} : { onProgress: (p: ReplayProgress) => (scanned = p.scanned), shouldStop: () => scanned >= stopAfter }),
      });
    };
    // DynamoDB Local's JVM reads faster once warm, and one read of 100,000 events did not warm
    // it (a raw read after the replays ran a third faster than the one before them): reads of up
    // to 100,000 events, not measured, until two in a row agree within 5%, so that the replays
    // that come first do not pay for the warm-up alone.
    const warmUpRates: number[] = [];
    for (let round = 0; round < WARM_UP_ROUNDS_MAX; round++) {
      const started = performance.now();
      let n = 0;
      for await (const _ of store.readAll()) if (++n >= 100_000) break;
      warmUpRates.push(n / ((performance.now() - started) / 1000));
      const [previous, last] = warmUpRates.slice(-2);
      if (previous !== undefined && last !== undefined && Math.abs(last - previous) <= 0.05 * previous) break;
    }
    console.log(`warm-up reads: ${warmUpRates.map((r) => Math.round(r)).join(", ")} ev/s`);
    const rawRuns: (Measured<number> & { readonly besideThread: boolean })[] = [];
    const besideRuns: Measured<number>[] = [];
    const replays = new Map<string, Measured<Awaited<ReturnType<typeof runReplay>>>[]>();
    // Every replay through the reader thread first, then the thread closed: the replays in one
    // thread run without an idle thread's memory beside them.
    for (const kind of readers) {
      // The reads were warmed above, but not the replays' own code (the apply path, the Redis
      // client), which V8 compiles as it goes: one unmeasured replay of each before the rounds.
      for (const projection of chosen) await replay(projection, kind, WARM_UP_REPLAY_EVENTS);
      // Rounds, each with its raw reads beside its replays, so a spell of a slower machine
      // falls on both; each figure is the fastest of its rounds, the baseline as much as the replays.
      for (let round = 0; round < rounds; round++) {
        rawRuns.push({ ...(await readAlone()), besideThread: kind === "thread" });
        if (kind === "thread") besideRuns.push(await readBeside());
        for (const projection of chosen) {
          const run = await measured(() => replay(projection, kind));
          const label = readers.length === 1 ? projection.name : `${projection.name} (${readerKinds[kind]})`;
          replays.set(label, [...(replays.get(label) ?? []), run]);
        }
      }
      if (kind === "thread") await threadReader.close();
    }
    const rateOf = (r: Measured<number>) => r.result / r.seconds;
    const fastest = <T>(runs: Measured<T>[], rate: (r: Measured<T>) => number) => runs.reduce((a, b) => (rate(b) > rate(a) ? b : a));
    const rawBest = fastest([...rawRuns, ...besideRuns], rateOf);
    const rawRate = rateOf(rawBest);
    // readAll's own memory, without the idle reader thread's beside it where there was a round without one.
    const withoutThread = rawRuns.filter((r) => !r.besideThread);
    const rawPeak = Math.max(...(withoutThread.length > 0 ? withoutThread : rawRuns).map((r) => r.peakMb));
    peak("readAll alone", size, rawPeak);
    const rates = <T>(runs: Measured<T>[], rate: (r: Measured<T>) => number) => runs.map((r) => Math.round(rate(r))).join(", ");
    rows.push(
      `${String(events).padStart(9)}  ${"readAll alone".padEnd(labelWidth)}  ${Math.round(rawRate).toString().padStart(7)} ev/s  peak RSS ${rawPeak.toFixed(0)} MB  (alone ${rates(rawRuns, rateOf)}${besideRuns.length === 0 ? "" : `; through the reader thread ${rates(besideRuns, rateOf)}`}: the fastest is the baseline)`,
      `${"".padStart(9)}  ${"".padEnd(labelWidth)}  CPU µs per event: ${perEvent(rawBest.cpu, rawBest.result)}`,
    );
    for (const [label, runs] of replays) {
      const replayRate = (r: (typeof runs)[number]) => r.result.scanned / r.seconds;
      const best = fastest(runs, replayRate);
      const rate = replayRate(best);
      const runPeak = Math.max(...runs.map((r) => r.peakMb));
      peak(label, size, runPeak);
      rows.push(
        `${String(events).padStart(9)}  ${label.padEnd(labelWidth)}  ${Math.round(rate).toString().padStart(7)} ev/s  peak RSS ${runPeak.toFixed(0)} MB  (${Math.round((100 * rate) / rawRate)}% of the raw rate; rounds ${rates(runs, replayRate)} ev/s, ${runs.map((r) => r.peakMb.toFixed(0)).join(", ")} MB; ${best.result.applied} applied)`,
        `${"".padStart(9)}  ${"".padEnd(labelWidth)}  CPU µs per event: ${perEvent(best.cpu, best.result.scanned)}`,
      );
    }
    await threadReader.close();
    redis.disconnect();
    client.destroy();
    console.log(rows.slice(-2 - 2 * replays.size).join("\n"));
  }
  console.log(`\n   events  ${"what".padEnd(labelWidth)}     rate      memory\n${rows.join("\n")}`);
  if (sizes.length > 1) {
    const [small, large] = [Math.min(...sizes), Math.max(...sizes)];
    console.log(`\npeak RSS at ${large} events ÷ at ${small} (goal ≤ 1.20)`);
    for (const [what, bySize] of peaks) console.log(`  ${what.padEnd(labelWidth)}  ${((bySize.get(large) ?? NaN) / (bySize.get(small) ?? NaN)).toFixed(3)}`);
  }
} finally {
  await servers.stop();
}
