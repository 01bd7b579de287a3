import { createWriteStream } from "node:fs";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { Command, Option } from "commander";
import { isLeft } from "fp-ts/lib/Either.js";
import type { EventType } from "../../events/index.js";
import type { EventStore } from "../../store/index.js";
import type { CliContext } from "../context.js";
import { eventTypeList, timeBound } from "../options.js";

interface ExportFlags {
  readonly from?: string;
  readonly to?: string;
  readonly types?: EventType[];
  readonly out?: string;
}

export interface ExportCounts {
  written: number;
  undecodable: number;
}

/** One envelope a line, in event order; an item that cannot be decoded is counted, not written. */
export async function* ndjson(store: EventStore, flags: ExportFlags, counts: ExportCounts): AsyncGenerator<string> {
  const types = flags.types === undefined ? undefined : new Set<string>(flags.types);
  for await (const result of store.readAll({ ...(flags.from === undefined ? {} : { from: flags.from }), ...(flags.to === undefined ? {} : { to: flags.to }) })) {
    if (isLeft(result)) {
      counts.undecodable += 1;
      continue;
    }
    if (types !== undefined && !types.has(result.right.type)) continue;
    counts.written += 1;
    yield JSON.stringify(result.right) + "\n";
  }
}

export const exportCommand = (context: () => CliContext): Command =>
  new Command("export")
    .description("write events as NDJSON (one envelope a line), in event order")
    .addOption(new Option("--from <time|ulid>", "first event: an ISO time or an event id (inclusive)").argParser(timeBound))
    .addOption(new Option("--to <time|ulid>", "end: an ISO time or an event id (exclusive)").argParser(timeBound))
    .addOption(new Option("--types <A,B>", "only these event types").argParser(eventTypeList))
    .option("--out <file>", "write to this file instead of standard output")
    .action(async (flags: ExportFlags) => {
      const counts: ExportCounts = { written: 0, undecodable: 0 };
      // pipeline waits for the writer to drain, so a slow disk or pipe holds the reading back.
      await pipeline(Readable.from(ndjson(context().store, flags, counts)), flags.out === undefined ? process.stdout : createWriteStream(flags.out));
      process.stderr.write(`exported ${counts.written} events${counts.undecodable > 0 ? `; ${counts.undecodable} undecodable items left out` : ""}\n`);
    });
