import { Command } from "commander";
import { isLeft } from "fp-ts/lib/Either.js";
import { decodeFulfilmentMessage, queues, type FulfilmentMessage } from "../../projections/index.js";
import type { CliContext } from "../context.js";
import { peekQueue, type WaitingMessage } from "../queue-peek.js";

const summary = (m: FulfilmentMessage): string => {
  switch (m.type) {
    case "FulfilmentRequested": {
      const units = m.lines.reduce((n, l) => n + l.quantity, 0);
      const to = m.shippingAddress === null ? "no address" : `to ${m.shippingAddress.name}, ${m.shippingAddress.city} ${m.shippingAddress.country}`;
      return `${m.lines.length} line(s), ${units} unit(s), ${to}, paid ${m.paidAt}`;
    }
    case "FulfilmentCancelled":
      return `cancelled ${m.cancelledAt}: ${m.reason}`;
  }
};

const table = (rows: readonly { waiting: WaitingMessage; line: readonly string[] }[]): string => {
  const cells = [["sent", "type", "order", "receives", "what"], ...rows.map((r) => r.line)];
  const widths = cells[0]!.map((_, i) => Math.max(...cells.map((row) => row[i]!.length)));
  return cells.map((row) => row.map((c, i) => (i === 4 ? c : i === 3 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join("  ").trimEnd()).join("\n") + "\n";
};

export const fulfilmentCommand = (context: () => CliContext): Command =>
  new Command("fulfilment").description("the fulfilment queue: paid orders to ship, and cancellations").addCommand(
    new Command("requests")
      .description(
        `list the messages waiting in the fulfilment queue, oldest first, without taking them (each is received and made visible again at once, which counts as a receive: past ${queues.fulfilment.deadLetter.maxReceiveCount} receives a message goes to the dead-letter queue)`,
      )
      .option("--json", "one JSON object a line: the SQS attributes and the decoded message")
      .action(async (flags: { json?: boolean }) => {
        const ctx = context();
        const waiting = await peekQueue(ctx.sqs, await ctx.queueUrl("fulfilment"));
        const rows = waiting.map((w) => {
          const decoded = decodeFulfilmentMessage(w.body);
          const { messageId, groupId, sentAt, receiveCount } = w;
          if (isLeft(decoded)) {
            return {
              waiting: w,
              json: { messageId, groupId, sentAt, receiveCount, undecodable: decoded.left.reason, body: w.body },
              line: [sentAt ?? "-", "(undecodable)", groupId ?? "-", String(receiveCount), decoded.left.reason],
            };
          }
          const m = decoded.right;
          return { waiting: w, json: { messageId, groupId, sentAt, receiveCount, message: m }, line: [sentAt ?? "-", m.type, m.orderId, String(receiveCount), summary(m)] };
        });
        if (flags.json === true) for (const r of rows) process.stdout.write(JSON.stringify(r.json) + "\n");
        else if (rows.length > 0) process.stdout.write(table(rows));
        process.stderr.write(`${rows.length} message(s) waiting\n`);
        if (rows.some((r) => "undecodable" in r.json)) process.exitCode = 1;
      }),
  );
