import { Command } from "commander";
import { projections } from "../../projections/index.js";
import type { CliContext } from "../context.js";
import { projectionStatus } from "../projection-status.js";

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
        .description("per projection: last event the live subscription read, what is pending (lag) and the dead letters")
        .option("--json", "one JSON object a line")
        .action(async (flags: { json?: boolean }) => {
          const ctx = context();
          const deps = { dynamo: ctx.dynamo, streams: ctx.streams(), eventsTable: ctx.config.eventsTable, views: ctx.ports.views };
          for (const p of projections) {
            const s = await projectionStatus(deps, p);
            if (flags.json === true) {
              process.stdout.write(JSON.stringify(s) + "\n");
              continue;
            }
            const last = s.lastEvent === undefined ? "-" : `${s.lastEvent.occurredAt} ${s.lastEvent.type} ${s.lastEvent.eventId}`;
            process.stdout.write(
              `${s.name.padEnd(20)} ${s.subscribed ? "" : "(never ran) "}last ${last}  pending ${s.pending}${s.capped ? "+" : ""}  lag ${s.lagSeconds.toFixed(1)} s  dead letters ${s.deadLetters}\n`,
            );
          }
        }),
    );
