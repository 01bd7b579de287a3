import { Argument, Command } from "commander";
import { deadLetters } from "../../projections/index.js";
import type { CliContext } from "../context.js";
import { projectionNamed, projectionNames } from "../options.js";
import { redrive } from "../redrive.js";

const projectionArgument = () => new Argument("<projection>", "a projection of the registry").choices(projectionNames());

export const dlqCommand = (context: () => CliContext): Command =>
  new Command("dlq")
    .description("the dead letters of a projection: records it could not apply")
    .addCommand(
      new Command("list")
        .description("list the dead letters")
        .addArgument(projectionArgument())
        .option("--json", "one JSON object a line")
        .action(async (name: string, flags: { json?: boolean }) => {
          const letters = await deadLetters(context().ports.views).list(projectionNamed(name).name);
          for (const l of letters) process.stdout.write(flags.json === true ? JSON.stringify(l) + "\n" : `${l.at}  ${l.id}  ${l.reason}\n`);
          process.stderr.write(`${letters.length} dead letter(s)\n`);
        }),
    )
    .addCommand(
      new Command("redrive")
        .description("apply the dead letters again (after a fix); those that still fail stay, and the exit code is then 1")
        .addArgument(projectionArgument())
        .action(async (name: string) => {
          const ctx = context();
          const result = await redrive(projectionNamed(name), ctx.ports);
          process.stdout.write(`redriven ${result.redriven}, still failing ${result.remaining}\n`);
          if (result.remaining > 0) process.exitCode = 1;
        }),
    );
