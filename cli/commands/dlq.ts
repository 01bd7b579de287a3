import { Argument, Command } from "commander";
import { deadLetters } from "../../projections/index.js";
import type { CliContext } from "../context.js";
import { projectionNamed, projectionNames } from "../options.js";
import { redrive } from "../redrive.js";
import { failureQueue, listFailures, redriveFailures, type FailureQueue } from "../stream-failures.js";

const projectionArgument = () => new Argument("<projection>", "a projection of the registry").choices(projectionNames());

const noQueue = (ctx: CliContext, queue: FailureQueue) =>
  process.stderr.write(`no failure queue ${queue.name}${ctx.config.sqsEndpoint === undefined ? " (SQS_ENDPOINT is unset: AWS was asked)" : ` at ${ctx.config.sqsEndpoint}`}\n`);

export const dlqCommand = (context: () => CliContext): Command =>
  new Command("dlq")
    .description(
      "what a projection could not apply: the records its projector gave up on (pointers in its on-failure queue, <prefix>-<projection>-failures) and the items it could not decode (in the views table)",
    )
    .addCommand(
      new Command("list")
        .description("list them, leaving them where they are")
        .addArgument(projectionArgument())
        .option("--json", "one JSON object a line")
        .action(async (name: string, flags: { json?: boolean }) => {
          const ctx = context();
          const letters = await deadLetters(ctx.ports.views).list(projectionNamed(name).name);
          const write = (line: object, text: string) => process.stdout.write(flags.json === true ? JSON.stringify(line) + "\n" : text + "\n");
          for (const l of letters) write({ kind: "letter", ...l }, `${l.at}  ${l.id}  ${l.reason}`);
          const queue = await failureQueue(ctx.sqs, ctx.config.queuePrefix, name);
          if (queue.url === undefined) noQueue(ctx, queue);
          const { pointers, unreadable } = queue.url === undefined ? { pointers: [], unreadable: [] } : await listFailures(ctx.sqs, queue.url);
          for (const { messageId, failure } of pointers) {
            const b = failure.DDBStreamBatchInfo;
            write(
              { kind: "pointer", messageId, ...failure },
              `${failure.timestamp}  ${b.shardId}  ${b.startSequenceNumber}..${b.endSequenceNumber}  ${b.batchSize} record(s) arrived ${b.approximateArrivalOfFirstRecord}..${b.approximateArrivalOfLastRecord}  ${failure.requestContext.condition}`,
            );
          }
          for (const u of unreadable) write({ kind: "unreadable", ...u }, `?  ${u.messageId}  not a failure pointer: ${u.error}`);
          process.stderr.write(`${letters.length} dead letter(s), ${pointers.length} failure pointer(s)${unreadable.length > 0 ? `, ${unreadable.length} unreadable message(s)` : ""}\n`);
        }),
    )
    .addCommand(
      new Command("redrive")
        .description(
          "apply them again (after a fix): the pointers' events are read from the event store, so this works after the stream's 24 hours; what still fails stays, and the exit code is then 1",
        )
        .addArgument(projectionArgument())
        .action(async (name: string) => {
          const ctx = context();
          const projection = projectionNamed(name);
          const result = await redrive(projection, ctx.ports);
          process.stdout.write(`redriven ${result.redriven}, still failing ${result.remaining}\n`);
          const queue = await failureQueue(ctx.sqs, ctx.config.queuePrefix, name);
          if (queue.url === undefined) noQueue(ctx, queue);
          else {
            const pointed = await redriveFailures(projection, ctx.ports, ctx.store, ctx.sqs, queue.url);
            process.stdout.write(`pointers redriven ${pointed.redriven} (${pointed.events} event(s) applied again), still failing ${pointed.failed.length}\n`);
            for (const f of pointed.failed) process.stderr.write(`${f.messageId}: ${f.error}\n`);
            if (pointed.unreadable > 0) process.stderr.write(`${pointed.unreadable} message(s) in ${queue.name} are not failure pointers; left there\n`);
            if (pointed.failed.length > 0) process.exitCode = 1;
          }
          if (result.remaining > 0) process.exitCode = 1;
        }),
    );
