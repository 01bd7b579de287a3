import { createHash } from "node:crypto";
import { Argument, Command, Option } from "commander";
import { decodeTime } from "ulid";
import type { EventType } from "../../events/index.js";
import { atLiveGeneration } from "../../projections/index.js";
import type { CliContext } from "../context.js";
import { eventTypeList, positiveInt, projectionNamed, projectionNames, timeBound } from "../options.js";
import { progressReporter } from "../progress.js";
import { REPLAY_BATCH_SIZE, runReplay, type ReplaySummary } from "../replay-run.js";
import { stopOnInterrupt } from "../stop-on-interrupt.js";

interface ReplayFlags {
  readonly from?: string;
  readonly to?: string;
  readonly types?: EventType[];
  readonly dryRun?: boolean;
  readonly restart?: boolean;
  readonly id?: string;
  readonly batchSize?: number;
  readonly checkpointEvery: number;
}

const timeOf = (bound: string): number => (/^[0-9A-Z]{26}$/.test(bound) ? decodeTime(bound) : Date.parse(bound));

/** The same projection, version and range is the same replay: running it again continues it. */
export const defaultReplayId = (projection: string, version: number, flags: Pick<ReplayFlags, "from" | "to" | "types">): string =>
  `v${version}-${createHash("sha256")
    .update(JSON.stringify([projection, flags.from ?? null, flags.to ?? null, [...(flags.types ?? [])].sort()]))
    .digest("hex")
    .slice(0, 12)}`;

export const printSummary = (name: string, s: ReplaySummary, dryRun: boolean): void => {
  const lines = [
    `${dryRun ? "dry run of" : "replayed"} ${name}${s.stopped ? " (stopped; run the same command again to continue)" : ""}`,
    ...(s.resumedAfter === undefined ? [] : [`  resumed after   ${s.resumedAfter}`]),
    `  events read     ${s.scanned}`,
    `  ${dryRun ? "would apply" : "applied    "}     ${s.applied}`,
    `  undecodable     ${s.undecodable}`,
    `  last event      ${s.lastEventId ?? "-"}`,
    `  time            ${s.seconds.toFixed(1)} s (${Math.round(s.scanned / Math.max(s.seconds, 0.001))} events/s this run)`,
    ...Object.entries(s.byType)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([type, n]) => `  ${type.padEnd(15)} ${n}`),
  ];
  process.stdout.write(lines.join("\n") + "\n");
};

export const replayCommand = (context: () => CliContext): Command =>
  new Command("replay")
    .description("run a projection over the event history, in event order, from its checkpoint if it has one")
    .addArgument(new Argument("<projection>", "a projection of the registry").choices(projectionNames()))
    .addOption(new Option("--from <time|ulid>", "first event: an ISO time or an event id (inclusive)").argParser(timeBound))
    .addOption(new Option("--to <time|ulid>", "end: an ISO time or an event id (exclusive)").argParser(timeBound))
    .addOption(new Option("--types <A,B>", "only these event types (of the projection's own)").argParser(eventTypeList))
    .option("--dry-run", "read and count what would be applied; write nothing")
    .option("--restart", "ignore the checkpoint and start again from --from")
    .option("--id <replayId>", "name of the checkpoint (default: derived from projection, version and range)")
    .addOption(new Option("--batch-size <n>", `events per apply call (default: ${REPLAY_BATCH_SIZE}, or the projection's live batch size if larger)`).argParser(positiveInt))
    .addOption(new Option("--checkpoint-every <n>", "write the checkpoint after this many events read").argParser(positiveInt).default(1000))
    .action(async (name: string, flags: ReplayFlags) => {
      const projection = projectionNamed(name);
      const ctx = context();
      const replayId = flags.id ?? defaultReplayId(projection.name, projection.version, flags);
      const interrupt = stopOnInterrupt("stopping after this batch");
      const progress = progressReporter(`${flags.dryRun === true ? "dry run" : "replay"} ${projection.name}`, flags.from === undefined ? undefined : timeOf(flags.from), flags.to === undefined ? Date.now() : Math.min(Date.now(), timeOf(flags.to)));
      try {
        // Into the live generation: the one the projector writes and readers read.
        const ports = await atLiveGeneration(ctx.ports, projection.name);
        if (flags.dryRun !== true) await projection.prepare?.(ports);
        const summary = await runReplay({
          projection,
          read: ctx.readHistory,
          ports,
          replayId,
          checkpointEvery: flags.checkpointEvery,
          ...(flags.from === undefined ? {} : { from: flags.from }),
          ...(flags.to === undefined ? {} : { to: flags.to }),
          ...(flags.types === undefined ? {} : { types: flags.types }),
          ...(flags.batchSize === undefined ? {} : { batchSize: flags.batchSize }),
          dryRun: flags.dryRun === true,
          restart: flags.restart === true,
          onProgress: (p) => progress.update(p),
          shouldStop: interrupt.requested,
        });
        progress.stop();
        printSummary(projection.name, summary, flags.dryRun === true);
        if (summary.stopped) process.exitCode = 130;
      } finally {
        progress.stop();
        interrupt.dispose();
      }
    });
