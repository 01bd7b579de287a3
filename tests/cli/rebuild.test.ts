import { processes } from "../../handlers/processes/index.js";
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { Client } from "@opensearch-project/opensearch";
import { Redis } from "ioredis";
import { ulid } from "ulid";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createStreamPoller, type StreamPoller } from "../../local/stream-poller.js";
import {
  dailySales,
  getCart,
  getInventory,
  inProcessBus,
  listOrders,
  projections,
  searchBooks,
  topBestsellers,
  topRatedBooks,
  readGeneration,
  sendsOut,
  silentQueues,
  type ProjectionPorts,
  type ViewsPort,
} from "../../projections/index.js";
import { runRebuild } from "../../cli/rebuild-run.js";
import { readInThisThread } from "../../cli/replay-batches.js";
import { freshCommands, type CommandsFixture } from "../support/commands-fixture.js";
import { documentClient, freshViews, streamsClient } from "../support/projections-fixture.js";
import { dumpIndex, dumpRedis, dumpViews } from "../support/read-model-dump.js";
import { runCli, type CliTarget } from "../support/run-cli.js";
import { runWorkload } from "../support/workload.js";

/** A generation's items with the generation's key prefix taken off, to compare with a model built without one. */
const withoutGeneration = (items: Record<string, unknown>[]) =>
  items
    .map((i): Record<string, unknown> => ({ ...i, pk: String(i.pk).replace(/^gen#[a-z-]+#\d+#/, "") }))
    .sort((a, b) => `${String(a.pk)}|${String(a.sk)}`.localeCompare(`${String(b.pk)}|${String(b.sk)}`));

const withoutRedisGeneration = (dump: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(dump)
      .filter(([k]) => !k.startsWith("generation:"))
      .map(([k, v]) => [k.replace(/^gen:[a-z-]+:\d+:/, ""), v] as const)
      .sort(([a], [b]) => a.localeCompare(b)),
  );

const rebuildable = projections.filter((p) => !sendsOut(p));

let f: CommandsFixture;
let live: ProjectionPorts;
let target: CliTarget;
let search: Client;
let poller: StreamPoller;
/** The views a replay from scratch built, once the traffic had stopped. */
let fresh: ViewsPort;
const redisClients: Redis[] = [];

beforeAll(async () => {
  f = await freshCommands("cli-rebuild");
  await runWorkload(f, 2000);
  target = { eventsTable: f.names.events, viewsTable: f.names.views, redisPrefix: `rebuild-${ulid()}:`, searchIndex: `books-rebuild-${ulid().toLowerCase()}` };
  const redis = new Redis(inject("redisUrl"), { keyPrefix: target.redisPrefix });
  redisClients.push(redis);
  search = new Client({ node: inject("openSearchUrl") });
  live = {
    views: { client: documentClient(f.client), tableName: f.names.views },
    redis,
    search: { client: search, index: target.searchIndex! },
    integration: { bus: inProcessBus(), stockLowThreshold: 5 },
    queues: silentQueues,
  };
  for (const p of projections) await p.prepare?.(live);
  poller = createStreamPoller({ dynamo: f.client, streams: streamsClient(), eventsTable: f.names.events, projections, ports: live, retryDelayMs: 5 });
  await poller.catchUp();
}, 900_000);
afterAll(async () => {
  await poller?.stop();
  redisClients.forEach((r) => r.disconnect());
});

describe("bookstore rebuild", () => {
  it("rebuilds every read model under live traffic; queries never fail; afterwards each equals a replay from scratch", async () => {
    const customers = (await listCustomers()).slice(0, 5);
    expect(customers.length).toBeGreaterThan(0);
    const sampleBook = (await searchBooks(live, { limit: 1 })).books[0]?.bookId;
    expect(sampleBook).toBeDefined();

    // Commands keep coming, the live projector keeps applying them, and readers keep asking.
    poller.start();
    let stop = false;
    let seed = 2;
    const traffic = (async () => {
      while (!stop) await runWorkload(f, 150, seed++);
    })();
    const failures: string[] = [];
    let queries = 0;
    const readers = (async () => {
      while (!stop) {
        try {
          const [best, rated, found, stock, orders, cart, sales] = await Promise.all([
            topBestsellers(live.redis),
            topRatedBooks(live.redis),
            searchBooks(live, { limit: 5 }),
            getInventory(live.views, sampleBook!),
            listOrders(live.views, customers[queries % customers.length]!),
            getCart(live.views, customers[queries % customers.length]!),
            dailySales(live.redis, new Date(Date.now() - 86_400_000).toISOString().slice(0, 10), new Date().toISOString().slice(0, 10)),
          ]);
          // An empty answer mid-switch would be a failure a shopper sees, not only a thrown error.
          if (best.length === 0) failures.push("bestsellers empty");
          if (rated.length === 0) failures.push("top-rated empty");
          if (found.books.length === 0) failures.push("search found nothing");
          if (stock.version === 0) failures.push("inventory view missing");
          if (orders.orders.length === 0) failures.push("order history empty");
          if (sales.length === 0) failures.push("sales report empty");
          void cart;
        } catch (e) {
          failures.push(e instanceof Error ? e.message : String(e));
        }
        queries += 1;
        await new Promise((r) => setTimeout(r, 10));
      }
    })();

    for (const p of rebuildable) {
      const run = await runCli(["rebuild", p.name, "--grace", "2"], target);
      expect(run.stderr, p.name).not.toMatch(/error/i);
      expect(run.code, `${p.name}: ${run.stderr}`).toBe(0);
      expect(run.stdout).toMatch(new RegExp(`rebuilt ${p.name}: generation 0 → 1`));
    }
    stop = true;
    await Promise.all([traffic, readers]);
    await poller.stop();
    await poller.catchUp();

    expect(queries).toBeGreaterThan(50);
    expect(failures).toEqual([]);

    // A replay from scratch of the same history, into fresh stores.
    fresh = await freshViews("cli-rebuild-fresh");
    const scratch: CliTarget = { eventsTable: f.names.events, viewsTable: fresh.tableName, redisPrefix: `scratch-${ulid()}:`, searchIndex: `books-scratch-${ulid().toLowerCase()}` };
    for (const p of rebuildable) expect((await runCli(["replay", p.name], scratch)).code).toBe(0);

    // The projections that send to other systems are not rebuilt, so their views stay where they are.
    const rebuilt = (await dumpViews(live.views)).filter((i) => !/^(integration|fulfilment)#/.test(String(i.pk)));
    // The old generation is gone: every read-model item now lives under generation 1.
    expect(rebuilt.filter((i) => !String(i.pk).startsWith("gen#"))).toEqual([]);
    expect(withoutGeneration(rebuilt)).toEqual(await dumpViews(fresh));

    const rebuiltRedis = await dumpRedis(inject("redisUrl"), target.redisPrefix);
    expect(Object.keys(rebuiltRedis).filter((k) => !k.startsWith("gen:") && !k.startsWith("generation:"))).toEqual([]);
    expect(withoutRedisGeneration(rebuiltRedis)).toEqual(await dumpRedis(inject("redisUrl"), scratch.redisPrefix));

    // Searchers use the alias, which now names generation 1's index; generation 0's index is gone.
    const aliases = await search.indices.getAlias({ name: target.searchIndex! });
    expect(Object.keys(aliases.body as object)).toEqual([`${target.searchIndex!}-g1`]);
    expect((await search.indices.exists({ index: `${target.searchIndex!}-g0` })).body).toBe(false);
    expect(await dumpIndex(search, target.searchIndex!)).toEqual(await dumpIndex(search, scratch.searchIndex!));
  }, 1_200_000);

  it("projections status shows each projection's live generation and what its projector last applied", async () => {
    const run = await runCli(["projections", "status", "--json"], target);
    expect(run.code, run.stderr).toBe(0);
    const rows = run.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { projection: string; generation: number; lastEvent?: unknown; deadLetters: number });
    // The processes are listed after the projections; this test's poller runs the projections only.
    const ofProjections = rows.filter((r) => projections.some((p) => p.name === r.projection));
    expect(rows.map((r) => r.projection)).toEqual([...projections.map((p) => p.name), ...processes.map((p) => p.name)]);
    expect(Object.fromEntries(ofProjections.map((r) => [r.projection, r.generation]))).toEqual(
      Object.fromEntries(projections.map((p) => [p.name, rebuildable.includes(p) ? 1 : 0])),
    );
    expect(ofProjections.filter((r) => r.lastEvent === undefined)).toEqual([]);
    // Nothing the live projectors met during the switches was left behind.
    expect(rows.filter((r) => r.deadLetters > 0)).toEqual([]);
  }, 60_000);

  it("a second rebuild moves on to generation 2 and drops generation 1", async () => {
    const run = await runCli(["rebuild", "bestsellers", "--grace", "1"], target);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/generation 1 → 2/);
    const keys = Object.keys(await dumpRedis(inject("redisUrl"), target.redisPrefix));
    expect(keys.filter((k) => k.startsWith("gen:bestsellers:1:"))).toEqual([]);
    expect(keys).toContain("gen:bestsellers:2:bestsellers");
    expect((await topBestsellers(live.redis)).length).toBeGreaterThan(0);
  }, 300_000);

  it("stopped before the switch, a rebuild leaves the live generation serving; run again, it continues where it stopped", async () => {
    expect(fresh, "the first test's replay from scratch").toBeDefined();
    const projection = projections.find((p) => p.name === "inventory-view")!;
    const inventoryOf = async (views: ViewsPort, prefix: RegExp) =>
      withoutGeneration((await dumpViews(views)).filter((i) => prefix.test(String(i.pk))));
    const liveBefore = await inventoryOf(live.views, /^gen#inventory-view#1#/);
    let batches = 0;
    const stopped = await runRebuild({ projection, read: readInThisThread(f.store), ports: live, graceMs: 1000, onProgress: () => void (batches += 1), shouldStop: () => batches >= 1 });
    expect(stopped).toMatchObject({ stopped: true, from: 1, to: 2 });
    expect(await readGeneration(live.views, projection.name)).toBe(1);
    expect(await inventoryOf(live.views, /^gen#inventory-view#1#/)).toEqual(liveBefore);
    const halfBuilt = await inventoryOf(live.views, /^gen#inventory-view#2#/);
    expect(halfBuilt.length).toBeGreaterThan(0);
    expect(halfBuilt.length).toBeLessThan(liveBefore.length);

    const resumed = await runRebuild({ projection, read: readInThisThread(f.store), ports: live, graceMs: 1000 });
    expect(resumed).toMatchObject({ stopped: false, resumed: true, from: 1, to: 2 });
    expect(resumed.replay.resumedAfter).toBeDefined();
    expect(await readGeneration(live.views, projection.name)).toBe(2);
    expect(await inventoryOf(live.views, /^gen#inventory-view#1#/)).toEqual([]);
    expect(await inventoryOf(live.views, /^gen#inventory-view#2#/)).toEqual(await inventoryOf(fresh, /^inventory#/));
  }, 300_000);

  it("two rebuilds of one projection at once: one runs, the other is refused before it writes anything", async () => {
    const projection = projections.find((p) => p.name === "cart-view")!;
    const runs = await Promise.allSettled([0, 1].map(() => runRebuild({ projection, read: readInThisThread(f.store), ports: live, graceMs: 1000 })));
    const done = runs.filter((r) => r.status === "fulfilled");
    const refused = runs.flatMap((r) => (r.status === "rejected" ? [r.reason as Error] : []));
    expect(done).toHaveLength(1);
    expect(refused.map((e) => e.name)).toEqual(["RebuildInProgress"]);
    expect(await readGeneration(live.views, projection.name)).toBe(2);
    expect(withoutGeneration((await dumpViews(live.views)).filter((i) => /^gen#cart-view#2#/.test(String(i.pk))))).toEqual(
      (await dumpViews(fresh)).filter((i) => String(i.pk).startsWith("cart#")),
    );
  }, 300_000);

  it("the claim of a rebuild killed outright lapses: until then another is refused, after it the next continues that generation", async () => {
    const projection = projections.find((p) => p.name === "order-history")!;
    const from = await readGeneration(live.views, projection.name);
    // What a run killed (SIGKILL, a lost machine) mid-replay leaves: its claim, unrenewed.
    const killed = (leaseUntil: number) =>
      live.views.client.send(
        new PutCommand({
          TableName: live.views.tableName,
          Item: { pk: `generation#${projection.name}`, sk: "building", generation: from + 1, from, startedAt: new Date().toISOString(), owner: "killed", leaseUntil },
        }),
      );
    // Far enough ahead that a CLI slow to start on a busy machine still meets the claim.
    await killed(Date.now() + 120_000);
    const refused = await runCli(["rebuild", projection.name, "--grace", "1"], target);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/another rebuild of order-history is running/);
    expect(await readGeneration(live.views, projection.name)).toBe(from);

    // The same claim once its time has passed.
    await killed(Date.now() - 1);
    const run = await runRebuild({ projection, read: readInThisThread(f.store), ports: live, graceMs: 1000 });
    expect(run).toMatchObject({ stopped: false, resumed: true, from, to: from + 1 });
    expect(await readGeneration(live.views, projection.name)).toBe(from + 1);
  }, 300_000);

  it("killed after its switch, a rebuild is finished by the next run: the old generation is dropped, not left behind", async () => {
    const projection = projections.find((p) => p.name === "book-search")!;
    const from = await readGeneration(live.views, projection.name);
    const indexOf = (generation: number) => `${target.searchIndex!}-g${generation}`;
    const killedInGrace = runRebuild({
      projection,
      read: readInThisThread(f.store),
      ports: live,
      graceMs: 1000,
      onPhase: (phase) => {
        if (phase === "grace") throw new Error("killed in the grace period");
      },
    });
    await expect(killedInGrace).rejects.toThrow(/killed in the grace period/);
    expect(await readGeneration(live.views, projection.name)).toBe(from + 1);
    expect((await search.indices.exists({ index: indexOf(from) })).body).toBe(true);

    const run = await runRebuild({ projection, read: readInThisThread(f.store), ports: live, graceMs: 1000 });
    expect(run).toMatchObject({ stopped: false, resumed: true, from, to: from + 1, dropped: { index: indexOf(from) } });
    expect(await readGeneration(live.views, projection.name)).toBe(from + 1);
    expect((await search.indices.exists({ index: indexOf(from) })).body).toBe(false);
    const behindAlias = Object.keys((await search.indices.getAlias({ name: target.searchIndex! })).body as Record<string, unknown>);
    expect(behindAlias).toEqual([indexOf(from + 1)]);
    expect((await searchBooks(live, { limit: 5 })).books.length).toBeGreaterThan(0);

    // Finished means finished: the run after that builds the next generation.
    const after = await runRebuild({ projection, read: readInThisThread(f.store), ports: live, graceMs: 1000 });
    expect(after).toMatchObject({ resumed: false, from: from + 1, to: from + 2 });
  }, 300_000);

  it("refuses to rebuild a projection that publishes to other systems", async () => {
    const run = await runCli(["rebuild", "integration-events"], target);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/publish/);
  }, 60_000);
});

/** Customers with orders, from the live order history's keys. */
const listCustomers = async (): Promise<string[]> =>
  [...new Set((await dumpViews(live.views)).map((i) => String(i.pk)).filter((pk) => pk.startsWith("orders#")).map((pk) => pk.slice("orders#".length)))];
