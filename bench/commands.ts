/**
 * Command latency of "reserve stock" on inventory streams of 10, 1,000 and 10,000 events, with
 * snapshots on and off, through the same load → decide → append path every command takes, on
 * DynamoDB Local, in one run. With snapshots the load reads one snapshot and a short tail, so
 * the goal is p50 at 10,000 events within 1.5x of p50 at 10 events.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { isLeft, right } from "fp-ts/lib/Either.js";
import { performance } from "node:perf_hooks";
import { monotonicFactory } from "ulid";
import { inventoryDecider } from "../domain/inventory.js";
import { LocalPaymentGateway } from "../domain/local-payment-gateway.js";
import { event, streams } from "../events/index.js";
import { aggregates } from "../handlers/commands/aggregates.js";
import type { CommandDeps } from "../handlers/commands/deps.js";
import { load } from "../handlers/commands/load.js";
import { change, createRunner } from "../handlers/commands/run-command.js";
import { localAwsConfig, startDynamoDbLocal } from "../local/dynamodb-local.js";
import { createEventStore, createSnapshotStore, createTables, tableNames } from "../store/index.js";
import { freePort, percentile } from "./measure.js";

const SIZES = [10, 1_000, 10_000];
const COMMANDS = Number(process.env.BENCH_COMMANDS ?? 60);
const SNAPSHOT_EVERY = 100;
const meta = { correlationId: "bench", causationId: "bench", actor: "bench", commandId: "bench" };

const server = await startDynamoDbLocal({ port: await freePort() });
const client = new DynamoDBClient(localAwsConfig(server.endpoint));
try {
  const names = tableNames(`bench-commands-${Date.now()}`);
  await createTables(client, names);
  const newId = monotonicFactory();
  const base: CommandDeps = {
    store: createEventStore({ client, tableName: names.events }),
    snapshots: createSnapshotStore({ client, tableName: names.events }),
    payments: new LocalPaymentGateway(),
    clock: () => new Date(),
    newId: () => newId(),
    random: Math.random,
  };

  /** A book whose inventory stream already holds `size` events, with a snapshot at its head when asked. */
  const prepare = async (size: number, snapshot: boolean): Promise<string> => {
    const bookId = newId();
    const stream = streams.inventory(bookId);
    for (let written = 0; written < size; ) {
      const n = Math.min(90, size - written);
      const events = Array.from({ length: n }, () => ({ ...event("StockReceived", { bookId, quantity: 100 }), meta }));
      const out = await base.store.append([{ streamId: stream, expectedVersion: written, events }]);
      if (isLeft(out)) throw new Error(JSON.stringify(out.left));
      written += n;
    }
    if (snapshot) {
      const loaded = await load({ ...base, snapshotEvery: 0 }, aggregates.inventory, bookId);
      if (isLeft(loaded)) throw new Error(loaded.left.reason);
      const { schema, codec } = aggregates.inventory.snapshot!;
      await base.snapshots.write({ streamId: stream, version: loaded.right.version, schema, state: codec.encode(loaded.right.state) });
    }
    return bookId;
  };

  const measure = async (size: number, snapshots: boolean) => {
    const deps: CommandDeps = { ...base, snapshotEvery: snapshots ? SNAPSHOT_EVERY : 0 };
    const runner = createRunner(deps);
    const bookId = await prepare(size, snapshots);
    const latencies: number[] = [];
    for (let i = 0; i < COMMANDS; i++) {
      const orderId = newId();
      const started = performance.now();
      const out = await runner.run({ actor: "bench", correlationId: "bench" }, async () => {
        const loaded = await load(deps, aggregates.inventory, bookId);
        if (isLeft(loaded)) return loaded;
        const decided = inventoryDecider.decide({ type: "ReserveStock", bookId, orderId, quantity: 1 }, loaded.right.state);
        if (isLeft(decided)) return decided;
        return right({ changes: [change(loaded.right, decided.right)], result: { orderId } });
      });
      latencies.push(performance.now() - started);
      if (isLeft(out)) throw new Error(JSON.stringify(out.left));
    }
    await runner.settle();
    const sorted = latencies.sort((a, b) => a - b);
    return { p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
  };

  // Warm the JVM and the SDK before anything is measured.
  await measure(10, true);
  const rows: { size: number; on: { p50: number; p99: number }; off: { p50: number; p99: number } }[] = [];
  for (const size of SIZES) rows.push({ size, on: await measure(size, true), off: await measure(size, false) });

  const ms = (n: number) => n.toFixed(1).padStart(8);
  console.log(`reserve stock, ${COMMANDS} commands per cell, snapshot every ${SNAPSHOT_EVERY} events (DynamoDB Local)`);
  console.log(`${"events".padStart(8)} ${"on p50".padStart(8)} ${"on p99".padStart(8)} ${"off p50".padStart(8)} ${"off p99".padStart(8)}   (ms)`);
  for (const r of rows) console.log(`${String(r.size).padStart(8)} ${ms(r.on.p50)} ${ms(r.on.p99)} ${ms(r.off.p50)} ${ms(r.off.p99)}`);
  const first = rows[0]!;
  const last = rows[rows.length - 1]!;
  const ratio = last.on.p50 / first.on.p50;
  console.log(`with snapshots: p50 at ${last.size} events / p50 at ${first.size} events = ${ratio.toFixed(2)}x (goal <= 1.5x)`);
  console.log(`without snapshots: ${(last.off.p50 / first.off.p50).toFixed(2)}x`);
} finally {
  client.destroy();
  await server.stop();
}
