import { type Either, isLeft, right } from "fp-ts/lib/Either.js";
import type * as t from "io-ts";
import { bookAggregate, type Book } from "../../domain/book.js";
import type { DecisionSlice } from "../../domain/slice.js";
import type { CommandDeps, CommandMeta } from "./deps.js";
import type { CommandError } from "./errors.js";
import { load, loadAll } from "./load.js";
import type { OrderFlow } from "./payments.js";
import { change, type CommandOutcome, type Runner } from "./run-command.js";

export interface StreamResult {
  readonly streamId: string;
  readonly version: number;
}
export interface CheckoutOutcome {
  readonly orderId: string;
  readonly totalCents: number;
  readonly currency: string;
  /** `placed` without a card token; otherwise what the payment led to: `paid`, `cancelled`, or `placed` while it is still pending. */
  readonly status: string;
}
export type CommandResult = StreamResult | CheckoutOutcome | { readonly orderId: string; readonly status: string };
export type SliceAnswer = Either<CommandError, CommandOutcome<CommandResult>>;

/** What a slice runs with: the injected dependencies, the runner (retries, idempotency) and the order flow. */
export interface SliceKit {
  readonly deps: CommandDeps;
  readonly runner: Runner;
  readonly flow: OrderFlow;
}

/**
 * The command handling of some commands, found by their `type`. A single-stream aggregate
 * declares a pure `DecisionSlice` next to its decider (`fromDecision` runs it); a decision that
 * spans streams (checkout, cancellation, stock) is a slice with a `handle` of its own.
 */
export interface CommandSlice<C extends { readonly type: string }> {
  readonly codec: t.Type<C, unknown, unknown>;
  readonly types: readonly C["type"][];
  readonly handle: (kit: SliceKit, command: C, meta: CommandMeta) => Promise<SliceAnswer>;
}

export type CommandOf<S> = S extends CommandSlice<infer C> ? C : never;

/** A slice as the dispatcher holds it, keyed by type: it only ever hands a slice its own commands. */
export type AnyCommandSlice = CommandSlice<{ readonly type: string }>;
export const anySlice = <C extends { readonly type: string }>(slice: CommandSlice<C>): AnyCommandSlice => slice as unknown as AnyCommandSlice;

/** The catalogue entries of the given books, for deciders that price or check them. */
export const catalogueOf = async (deps: CommandDeps, bookIds: readonly string[]) => {
  const books = await loadAll(deps, bookAggregate, bookIds);
  if (isLeft(books)) return books;
  return right({ books: new Map([...books.right].flatMap(([id, b]) => (b.state === null ? [] : [[id, b.state] as [string, Book]]))) });
};

/** Runs a decision slice: reads what it needs and its stream, decides, appends under the runner. */
export const fromDecision = <C extends { readonly type: string }, S>(slice: DecisionSlice<C, S>): CommandSlice<C> => ({
  codec: slice.codec,
  types: slice.types,
  handle: ({ deps, runner }, command, meta) =>
    runner.run(meta, async () => {
      const context = await catalogueOf(deps, slice.needs?.(command).books ?? []);
      if (isLeft(context)) return context;
      const { aggregate, id } = slice.target(command);
      const loaded = await load(deps, aggregate, id);
      if (isLeft(loaded)) return loaded;
      const events = slice.decide(command, loaded.right.state, context.right);
      if (isLeft(events)) return events;
      return right({
        changes: [change(loaded.right, events.right)],
        result: { streamId: loaded.right.streamId, version: loaded.right.version + events.right.length } satisfies StreamResult,
      });
    }),
});
