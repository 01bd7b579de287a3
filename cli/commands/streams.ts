import { Command } from "commander";
import { isLeft } from "fp-ts/lib/Either.js";
import { StreamId } from "../../events/index.js";
import type { CliContext } from "../context.js";
import { UsageError } from "../usage-error.js";

export const streamsCommand = (context: () => CliContext): Command =>
  new Command("streams").description("look at event streams").addCommand(
    new Command("show")
      .description("print a stream's events in version order")
      .argument("<streamId>", "e.g. order#01J… or book#01J…")
      .option("--json", "one envelope a line (NDJSON) instead of a table")
      .action(async (id: string, flags: { json?: boolean }) => {
        const streamId = StreamId.decode(id);
        if (isLeft(streamId)) throw new UsageError(`"${id}" is not a stream id (<aggregate>#<id>, e.g. order#01J…)`);
        let count = 0;
        for await (const result of context().store.readStream(streamId.right)) {
          count += 1;
          if (isLeft(result)) {
            process.stdout.write(flags.json === true ? JSON.stringify({ undecodable: result.left }) + "\n" : `v${result.left.sk}  (undecodable: ${result.left.reason})\n`);
            continue;
          }
          const e = result.right;
          process.stdout.write(
            flags.json === true ? JSON.stringify(e) + "\n" : `v${e.version}  ${e.occurredAt}  ${e.eventId}  ${e.type}  ${JSON.stringify(e.data)}  by ${e.meta.actor}\n`,
          );
        }
        if (count === 0) {
          process.stderr.write(`stream ${id} has no events\n`);
          process.exitCode = 1;
        }
      }),
  );
