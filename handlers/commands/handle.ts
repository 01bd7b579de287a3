import type { Either } from "fp-ts/lib/Either.js";
import type { CommandDeps, CommandMeta } from "./deps.js";
import type { CommandError } from "./errors.js";
import { createOrderFlow } from "./payments.js";
import { createRunner, type CommandOutcome } from "./run-command.js";
import type { AnyCommandSlice, CommandResult } from "./slice.js";
import { type Command, sliceByType } from "./slices.js";

export type { CheckoutOutcome, CommandResult, StreamResult } from "./slice.js";
export type { Loaded } from "./load.js";

export interface CommandHandler {
  handle(command: Command, meta: CommandMeta): Promise<Either<CommandError, CommandOutcome<CommandResult>>>;
  /** Waits for off-the-hot-path work (snapshots); for tests, benchmarks and shutdown. */
  settle(): Promise<void>;
}

/** Finds the slice of a command by its type and runs it; `extra` slices are for tests of the slice API. */
export const createCommandHandler = (deps: CommandDeps, extra: readonly AnyCommandSlice[] = []): CommandHandler => {
  const runner = createRunner(deps);
  const kit = { deps, runner, flow: createOrderFlow(deps, runner) };
  const byType = sliceByType(extra);
  return {
    handle: async (command, meta) => {
      const slice = byType.get(command.type);
      // The Command type is the slices' own union, so this is a bug, not a client's mistake.
      if (slice === undefined) throw new Error(`no slice handles command ${command.type}`);
      return slice.handle(kit, command, meta);
    },
    settle: () => runner.settle(),
  };
};
