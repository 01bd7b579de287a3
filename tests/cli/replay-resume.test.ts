import { setTimeout as sleep } from "node:timers/promises";
import { ulid } from "ulid";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { replayCheckpoints, type ReplayCheckpoint } from "../../cli/replay-checkpoints.js";
import { freshCommands, type CommandsFixture } from "../support/commands-fixture.js";
import { freshViews } from "../support/projections-fixture.js";
import { dumpRedis } from "../support/read-model-dump.js";
import { runCli, startCli, type CliTarget } from "../support/run-cli.js";
import { runWorkload } from "../support/workload.js";

let f: CommandsFixture;
beforeAll(async () => {
  f = await freshCommands("cli-resume");
  await runWorkload(f, 1500, 3);
}, 600_000);

// Small batches and frequent checkpoints, so the kill lands in the middle of the run.
const args = ["replay", "sales-by-category", "--id", "nightly", "--batch-size", "5", "--checkpoint-every", "20"];

describe("bookstore replay, killed and resumed", () => {
  it("ends equal to an uninterrupted replay, counting nothing twice", async () => {
    const whole = await freshViews("cli-whole");
    const wholePrefix = `cli-whole-${ulid()}:`;
    const uninterrupted = await runCli(args, { eventsTable: f.names.events, viewsTable: whole.tableName, redisPrefix: wholePrefix });
    expect(uninterrupted.code).toBe(0);

    const views = await freshViews("cli-killed");
    const target: CliTarget = { eventsTable: f.names.events, viewsTable: views.tableName, redisPrefix: `cli-killed-${ulid()}:` };
    const marks = replayCheckpoints(views);
    const { child, done } = startCli(args, target);
    let seen: ReplayCheckpoint | undefined;
    while (seen === undefined || seen.applied === 0) {
      await sleep(20);
      seen = await marks.get("sales-by-category", "nightly");
    }
    child.kill("SIGKILL");
    expect((await done).code).toBe(null);
    const atKill = await marks.get("sales-by-category", "nightly");
    expect(atKill?.done).toBe(false);

    const resumed = await runCli(args, target);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/resumed after\s+[0-9A-Z]{26}/);

    const replayed = await dumpRedis(inject("redisUrl"), wholePrefix);
    expect(Object.keys(replayed).filter((k) => k.startsWith("sales:day:")).length).toBeGreaterThan(0);
    expect(await dumpRedis(inject("redisUrl"), target.redisPrefix)).toEqual(replayed);
    const final = await marks.get("sales-by-category", "nightly");
    const reference = await replayCheckpoints(whole).get("sales-by-category", "nightly");
    expect(final).toMatchObject({ done: true, applied: reference?.applied, scanned: reference?.scanned, lastEventId: reference?.lastEventId });
  }, 600_000);
});
