import { describe, expect, it } from "vitest";
import { runCli } from "../support/run-cli.js";

const noStackTrace = (text: string) => expect(text).not.toMatch(/^\s+at .+\(.+:\d+:\d+\)$/m);

describe("bookstore command line", () => {
  it.each([
    [["frobnicate"]],
    [["replay"]],
    [["replay", "no-such-projection"]],
    [["replay", "bestsellers", "--from", "last tuesday"]],
    [["replay", "bestsellers", "--types", "OrderPaid,NoSuchEvent"]],
    [["replay", "bestsellers", "--checkpoint-every", "0"]],
    [["rebuild"]],
    [["rebuild", "no-such-projection"]],
    [["rebuild", "bestsellers", "--grace", "-1"]],
    [["rebuild", "bestsellers", "--grace", "soon"]],
    [["export", "--to", "2024-13-45"]],
    [["export", "--no-such-flag"]],
    [["streams", "show"]],
    [["dlq", "redrive"]],
    [["report", "sales-by-category", "--from", "2024-01-01"]],
    [["report", "sales-by-category", "--from", "2024-01-01", "--to", "01/02/2024"]],
  ])("%j is refused with exit code 2 and a usage message, no stack trace", async (args) => {
    const run = await runCli(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^error: /m);
    expect(run.stderr).toMatch(/Usage: bookstore/);
    noStackTrace(run.stderr);
  });

  it("refuses a malformed stream id and a reversed date range as usage errors", async () => {
    for (const args of [
      ["streams", "show", "not a stream"],
      ["report", "sales-by-category", "--from", "2024-02-01", "--to", "2024-01-01"],
    ]) {
      const run = await runCli(args);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/^error: /m);
      noStackTrace(run.stderr);
    }
  });

  it.each([[[]], [["replay"]], [["rebuild"]], [["export"]], [["streams", "show"]], [["projections", "status"]], [["dlq", "list"]], [["report", "sales-by-category"]], [["fulfilment", "requests"]]])(
    "%j --help explains itself and exits 0",
    async (args) => {
      const run = await runCli([...args, "--help"]);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^Usage: bookstore/m);
    },
  );

  it("a failure of the infrastructure is exit code 1 with a one-line reason, no stack trace", async () => {
    const run = await runCli(["streams", "show", "book#missing"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: /m);
    noStackTrace(run.stderr);
    const noQueue = await runCli(["fulfilment", "requests"]);
    expect(noQueue.code).toBe(1);
    expect(noQueue.stderr).toMatch(/^error: there is no queue no-such-queues-fulfilment\.fifo at http/m);
    noStackTrace(noQueue.stderr);
  });
});
