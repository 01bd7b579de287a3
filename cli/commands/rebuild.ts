import { Argument, Command, InvalidArgumentError, Option } from "commander";
import type { CliContext } from "../context.js";
import { projectionNamed, projectionNames } from "../options.js";
import { progressReporter } from "../progress.js";
import { runRebuild, type RebuildSummary } from "../rebuild-run.js";
import { stopOnInterrupt } from "../stop-on-interrupt.js";

interface RebuildFlags {
  readonly grace: number;
  readonly restart?: boolean;
}

const seconds = (value: string): number => {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError("expected a number of seconds, 0 or more");
  return n;
};

const printSummary = (s: RebuildSummary): void => {
  const lines = s.stopped
    ? [`stopped rebuilding ${s.projection} before the switch; the live generation ${s.from} still serves. Run the same command again to continue.`]
    : [
        `rebuilt ${s.projection}: generation ${s.from} → ${s.to}${s.resumed ? " (continued)" : ""}`,
        `  events read     ${s.replay.scanned}`,
        `  applied         ${s.replay.applied}`,
        `  undecodable     ${s.replay.undecodable}`,
        `  dropped         ${s.dropped?.viewItems ?? 0} views items, ${s.dropped?.redisKeys ?? 0} Redis keys${s.dropped?.index === undefined ? "" : `, index ${s.dropped.index}`}`,
        ...(s.deadLetters === undefined || s.deadLetters.redriven + s.deadLetters.remaining === 0
          ? []
          : [`  dead letters    ${s.deadLetters.redriven} cleared, ${s.deadLetters.remaining} still failing`]),
        `  time            ${s.seconds.toFixed(1)} s`,
      ];
  process.stdout.write(lines.join("\n") + "\n");
};

export const rebuildCommand = (context: () => CliContext): Command =>
  new Command("rebuild")
    .description(
      "replay a projection into a new generation of its read model while the live one serves, switch to it atomically, catch up, then drop the old one",
    )
    .addArgument(new Argument("<projection>", "a projection of the registry").choices(projectionNames()))
    .addOption(
      new Option("--grace <seconds>", "after the switch, wait this long for projector batches and readers still on the old generation").argParser(seconds).default(10),
    )
    .option("--restart", "throw away a half-built generation instead of continuing it")
    .action(async (name: string, flags: RebuildFlags) => {
      const projection = projectionNamed(name);
      const ctx = context();
      const interrupt = stopOnInterrupt("stopping after this batch, if the switch has not begun");
      const progress = progressReporter(`rebuild ${projection.name}`, undefined, Date.now());
      try {
        const summary = await runRebuild({
          projection,
          read: ctx.readHistory,
          ports: ctx.ports,
          graceMs: flags.grace * 1000,
          restart: flags.restart === true,
          onPhase: (phase, detail) => {
            if (phase !== "replay") progress.stop();
            process.stderr.write(`${phase}: ${detail}\n`);
          },
          onProgress: (p) => progress.update(p),
          shouldStop: interrupt.requested,
        });
        progress.stop();
        printSummary(summary);
        if (summary.stopped) process.exitCode = 130;
      } finally {
        progress.stop();
        interrupt.dispose();
      }
    });
