import { isLeft, type Either } from "fp-ts/lib/Either.js";
import { AssertionError, deepStrictEqual } from "node:assert/strict";
import { inspect } from "node:util";
import { LocalPaymentGateway } from "../../domain/local-payment-gateway.js";
import type { DomainEvent, StreamId } from "../../events/index.js";
import type { CommandDeps, CommandMeta } from "../../handlers/commands/deps.js";
import type { CommandError } from "../../handlers/commands/errors.js";
import { createCommandHandler } from "../../handlers/commands/handle.js";
import type { CommandOutcome } from "../../handlers/commands/run-command.js";
import type { AnyCommandSlice, CommandResult } from "../../handlers/commands/slice.js";
import type { Command } from "../../handlers/commands/slices.js";
import { stockCounterChanges } from "../../handlers/commands/stock.js";
import { createInMemoryEventStore, createInMemorySnapshotStore, createInMemoryTable } from "../../store/in-memory.js";
import type { EventStore, StreamAppend } from "../../store/index.js";

/** What a test writes of an event: its type and data (ids, times and meta are the store's). */
export type Written = Pick<DomainEvent, "type" | "data">;
export type Streams = Readonly<Record<string, readonly Written[]>>;

export interface Ran {
  /** The command's answer, for assertions the kit does not cover. */
  readonly outcome: Either<CommandError, CommandOutcome<CommandResult>>;
  /** What every stream the command wrote gained, by stream. */
  readonly written: Streams;
}

export interface Scene {
  /** Runs the command; what it answered and wrote. */
  run(): Promise<Ran>;
  /** Exactly these streams gained exactly these events, in order; no other stream was written. */
  then(expected: Streams): Promise<Ran>;
  /** The command was refused with this kind (or a partial of the error), and nothing was written. */
  thenFails(matcher: CommandError["kind"] | Partial<CommandError>): Promise<Ran>;
}

export interface GivenOptions {
  readonly now?: Date;
  /** Slices beyond the registry's, for tests of the slice API itself. */
  readonly slices?: readonly AnyCommandSlice[];
  readonly deps?: Partial<CommandDeps>;
}

const show = (value: unknown): string => inspect(value, { depth: 8, breakLength: 100 });
const meta: CommandMeta = { actor: "customer:test", correlationId: "corr-given" };
const historyMeta = { actor: "admin:given", correlationId: "corr-given", causationId: "given", commandId: "given" };

/**
 * Given/when/then over several streams, through the command handler and its slices on the
 * in-memory event store: the history is appended as it would have been (a book's stock events
 * move its stock counter), the command runs as the HTTP layer would run it, and `then` compares
 * what each stream gained. No server is involved, so a decision test costs milliseconds.
 *
 *   await givenStreams({ [streams.cart(a)]: [itemAdded(...)], [streams.inventory(b)]: [received(b, 3)] })
 *     .when({ type: "Checkout", customerId: a, orderId: o, shippingAddress: address })
 *     .then({ [streams.order(o)]: [...], [streams.reservation(o)]: [...], [streams.cart(a)]: [...] });
 */
export const givenStreams = (history: Streams, options: GivenOptions = {}) => ({
  when: (command: Command, commandMeta: CommandMeta = meta): Scene => {
    const scene = `given ${show(history)}\nwhen ${show(command)}`;
    const run = () => runScene(history, options, command, commandMeta);
    return {
      run,
      async then(expected) {
        const ran = await run();
        const { outcome, written } = ran;
        if (isLeft(outcome)) throw new AssertionError({ message: `${scene}\nexpected events but it failed with ${show(outcome.left)}`, actual: outcome.left, expected });
        try {
          deepStrictEqual(written, expected);
        } catch (e) {
          throw new AssertionError({ message: `${scene}\nunexpected events:\n${(e as Error).message}`, actual: written, expected });
        }
        return ran;
      },
      async thenFails(matcher) {
        const ran = await run();
        const { outcome, written } = ran;
        if (!isLeft(outcome)) throw new AssertionError({ message: `${scene}\nexpected a failure but it wrote ${show(written)}`, actual: written, expected: matcher });
        if (!matches(outcome.left, matcher)) {
          throw new AssertionError({ message: `${scene}\nfailed with ${show(outcome.left)}\nwhich does not match ${show(matcher)}`, actual: outcome.left, expected: matcher });
        }
        if (Object.keys(written).length > 0) throw new AssertionError({ message: `${scene}\nfailed, yet wrote ${show(written)}`, actual: written, expected: {} });
        return ran;
      },
    };
  },
});

const matches = (error: CommandError, matcher: CommandError["kind"] | Partial<CommandError>): boolean =>
  typeof matcher === "string"
    ? error.kind === matcher
    : Object.entries(matcher).every(([k, v]) => {
        try {
          deepStrictEqual((error as unknown as Record<string, unknown>)[k], v);
          return true;
        } catch {
          return false;
        }
      });

const runScene = async (history: Streams, options: GivenOptions, command: Command, commandMeta: CommandMeta): Promise<Ran> => {
  const table = createInMemoryTable();
  const store = createInMemoryEventStore({ table });
  for (const [streamId, events] of Object.entries(history)) {
    if (events.length === 0) continue;
    // Stock events move their book's counter, as they did when they were written; the counter
    // exists from the first one on (the command side makes it before a book's first stock event).
    const counters = stockCounterChanges(events as DomainEvent[]);
    for (const c of counters) await store.createCounter(c.key, { available: 0 });
    const appended = await store.append(
      [{ streamId: streamId as StreamId, expectedVersion: 0, events: events.map((e) => ({ ...e, meta: historyMeta }) as StreamAppend["events"][number]) }],
      counters.length > 0 ? { counters } : {},
    );
    if (isLeft(appended)) throw new Error(`the history of ${streamId} could not be written: ${show(appended.left)}`);
  }
  const written: Record<string, Written[]> = {};
  const recording: EventStore = {
    ...store,
    append: async (appends, appendOptions) => {
      const result = await store.append(appends, appendOptions);
      if (!isLeft(result) && result.right.kind === "Appended") {
        for (const a of appends) (written[a.streamId] ??= []).push(...a.events.map(({ type, data }) => ({ type, data }) as Written));
      }
      return result;
    },
  };
  let seq = 0;
  const now = options.now ?? new Date("2026-01-01T00:00:00Z");
  const handler = createCommandHandler(
    {
      store: recording,
      snapshots: createInMemorySnapshotStore(table),
      payments: new LocalPaymentGateway(),
      clock: () => now,
      newId: () => `id-${String(++seq).padStart(6, "0")}`,
      random: () => 0.5,
      ...options.deps,
    },
    options.slices,
  );
  const outcome = await handler.handle(command, commandMeta);
  await handler.settle();
  return { outcome, written };
};
