import type { Either } from "fp-ts/lib/Either.js";
import type * as t from "io-ts";
import type { DomainEvent } from "../events/index.js";
import type { Aggregate } from "./aggregate.js";
import type { CatalogueContext } from "./book.js";
import type { DomainError } from "./errors.js";

/** What a single-stream decision needs read besides its own stream. */
export interface Needs {
  /** Catalogue entries, by book id: a cart line's title and price, a rating's book. */
  readonly books?: readonly string[];
}

/**
 * The command handling of one aggregate whose commands each write one stream: which commands,
 * which stream, what else to read, and the decider. Pure: the command handler does the reading
 * and the appending (with its retries and idempotency), so a new aggregate declares this next to
 * its decider and adds one line to the slice registry (`handlers/commands/slices.ts`).
 */
export interface DecisionSlice<C extends { readonly type: string }, S> {
  readonly kind: "decision";
  readonly codec: t.Type<C, unknown, unknown>;
  /** Every type of `C`: the handler finds the slice of a command by it. */
  readonly types: readonly C["type"][];
  /** The stream a command writes: its aggregate and that aggregate's id. */
  readonly target: (command: C) => { readonly aggregate: Aggregate<S>; readonly id: string };
  readonly needs?: (command: C) => Needs;
  readonly decide: (command: C, state: S, context: CatalogueContext) => Either<DomainError, readonly DomainEvent[]>;
}

type Missing<C extends { readonly type: string }, T extends readonly string[]> = Exclude<C["type"], T[number]>;

/**
 * Declares a decision slice; naming fewer `types` than the codec's commands fails to compile
 * (the error names the missing ones), so no command can lack a handler.
 */
export const decisionSlice = <C extends { readonly type: string }, S, const T extends readonly C["type"][]>(
  slice: Omit<DecisionSlice<C, S>, "kind" | "types"> & { readonly types: T } & ([Missing<C, T>] extends [never] ? unknown : { readonly missing: Missing<C, T> }),
): DecisionSlice<C, S> => ({ ...slice, kind: "decision" });
