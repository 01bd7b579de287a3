import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeTime } from "ulid";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StoredEvent } from "../../events/index.js";
import { freshCommands, type CommandsFixture } from "../support/commands-fixture.js";
import { collect } from "../support/event-store-fixture.js";
import { runCli, type CliTarget } from "../support/run-cli.js";
import { runWorkload } from "../support/workload.js";

let f: CommandsFixture;
let all: StoredEvent[];
let target: CliTarget;
let dir: string;
beforeAll(async () => {
  f = await freshCommands("cli-export");
  await runWorkload(f, 400, 7);
  all = (await collect(f.store.readAll())).map((r) => {
    if (r._tag === "Left") throw new Error(r.left.reason);
    return r.right;
  });
  target = { eventsTable: f.names.events, viewsTable: f.names.views, redisPrefix: "unused:" };
  dir = await mkdtemp(join(tmpdir(), "export-"));
}, 300_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

const exported = async (args: readonly string[]): Promise<StoredEvent[]> => {
  const out = join(dir, `${args.join("_").replace(/[^A-Za-z0-9_-]/g, "")}.ndjson`);
  const run = await runCli(["export", ...args, "--out", out], target);
  expect(run.code).toBe(0);
  const text = await readFile(out, "utf8");
  return text === "" ? [] : text.trimEnd().split("\n").map((line) => JSON.parse(line) as StoredEvent);
};

const countByType = (events: readonly StoredEvent[]) => events.reduce<Record<string, number>>((c, e) => ({ ...c, [e.type]: (c[e.type] ?? 0) + 1 }), {});

describe("bookstore export", () => {
  it("writes every event once, in event order, and a re-count by type equals the store's", async () => {
    const lines = await exported([]);
    expect(lines.length).toBe(all.length);
    expect(countByType(lines)).toEqual(countByType(all));
    expect(lines.map((e) => e.eventId)).toEqual(all.map((e) => e.eventId));
    expect(lines[5]).toEqual(JSON.parse(JSON.stringify(all[5])));
  }, 120_000);

  it("--from is inclusive and --to exclusive, by event id and by time", async () => {
    const first = all[10]!;
    const end = all[all.length - 10]!;
    const byId = await exported(["--from", first.eventId, "--to", end.eventId]);
    expect(byId.map((e) => e.eventId)).toEqual(all.slice(10, all.length - 10).map((e) => e.eventId));
    // By time: every event at or after the millisecond of `first`, before the millisecond of `end`.
    const idMs = (e: StoredEvent) => decodeTime(e.eventId);
    const from = new Date(idMs(first));
    const to = new Date(idMs(end));
    const byTime = await exported(["--from", from.toISOString(), "--to", to.toISOString()]);
    const expected = all.filter((e) => idMs(e) >= from.getTime() && idMs(e) < to.getTime()).map((e) => e.eventId);
    expect(expected.length).toBeGreaterThan(0);
    expect(byTime.map((e) => e.eventId)).toEqual(expected);
  }, 120_000);

  it("--types keeps only those types", async () => {
    const lines = await exported(["--types", "OrderPaid,BookRated"]);
    expect(countByType(lines)).toEqual({ OrderPaid: countByType(all).OrderPaid, BookRated: countByType(all).BookRated });
  }, 120_000);
});
