import { Command, CommanderError } from "commander";
import { configFromEnv, configHelp, createContext, type CliContext } from "./context.js";
import { dlqCommand } from "./commands/dlq.js";
import { exportCommand } from "./commands/export.js";
import { fulfilmentCommand } from "./commands/fulfilment.js";
import { projectionsCommand } from "./commands/projections.js";
import { rebuildCommand } from "./commands/rebuild.js";
import { replayCommand } from "./commands/replay.js";
import { reportCommand } from "./commands/report.js";
import { streamsCommand } from "./commands/streams.js";
import { UsageError } from "./usage-error.js";

/** Exit codes scripts can trust: 0 done, 1 failed, 2 bad usage. */
const USAGE = 2;

export const run = async (argv: readonly string[]): Promise<number> => {
  let ctx: CliContext | undefined;
  const context = () => (ctx ??= createContext(configFromEnv()));
  const program = new Command("bookstore")
    .description("operator and analyst command line of the bookstore event store")
    .addHelpText("after", configHelp)
    .exitOverride()
    .showHelpAfterError()
    .showSuggestionAfterError();
  for (const make of [replayCommand, rebuildCommand, exportCommand, streamsCommand, projectionsCommand, dlqCommand, reportCommand, fulfilmentCommand]) program.addCommand(make(context));
  // Settings given to `program` are copied only to subcommands made by `.command()`; these are added whole.
  const inherit = (cmd: Command) => {
    for (const sub of cmd.commands) {
      sub.exitOverride().showHelpAfterError().showSuggestionAfterError();
      inherit(sub);
    }
  };
  inherit(program);
  try {
    await program.parseAsync(argv, { from: "user" });
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here too, with exit code 0.
      return error.exitCode === 0 ? 0 : USAGE;
    }
    if (error instanceof UsageError) {
      process.stderr.write(`error: ${error.message}\n(add --help for usage)\n`);
      return USAGE;
    }
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    if (process.env.BOOKSTORE_DEBUG !== undefined && error instanceof Error) process.stderr.write(`${error.stack ?? ""}\n`);
    return 1;
  } finally {
    await ctx?.close();
  }
};
