import { Command } from "commander";
import { processes } from "../../handlers/processes/index.js";
import { projections, readGeneration, statusOf } from "../../projections/index.js";
import type { CliContext } from "../context.js";

const seconds = (ms: number | undefined): string => (ms === undefined ? "-" : `${(ms / 1000).toFixed(1)} s`);

export const projectionsCommand = (context: () => CliContext): Command =>
  new Command("projections")
    .description("the projections of the registry")
    .addCommand(
      new Command("list").description("name, version, batch size and event types of each projection").action(() => {
        for (const p of projections) process.stdout.write(`${p.name.padEnd(20)} v${p.version}  batch ${p.batch.batchSize}  ${p.eventTypes.join(",")}\n`);
      }),
    )
    .addCommand(
      new Command("status")
        .description(
          "per projection: the live generation, the last event its projector applied, the lag at that batch, the time since that event, and the dead letters",
        )
        .option("--json", "one JSON object a line")
        .action(async (flags: { json?: boolean }) => {
          const ctx = context();
          // What the projectors record themselves, so it reads the same for the local poller and for Lambda.
          for (const s of await statusOf(ctx.ports, [...projections, ...processes])) {
            const generation = await readGeneration(ctx.ports.views, s.projection);
            if (flags.json === true) {
              process.stdout.write(JSON.stringify({ ...s, generation }) + "\n");
              continue;
            }
            const last = s.lastEvent === undefined ? "(nothing applied yet)" : `${s.lastEvent.occurredAt} ${s.lastEvent.type} ${s.lastEvent.eventId}`;
            process.stdout.write(
              `${s.projection.padEnd(20)} gen ${generation}  last ${last}  lag ${seconds(s.lagMs)}  since ${seconds(s.sinceLastEventMs)}  dead letters ${s.deadLetters}\n`,
            );
          }
        }),
    );
