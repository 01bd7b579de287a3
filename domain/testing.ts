import { AssertionError, deepStrictEqual } from "node:assert/strict";
import { inspect } from "node:util";
import { isLeft, type Either } from "fp-ts/lib/Either.js";
import { fold, type Decider } from "./decider.js";

/**
 * Given/when/then for deciders, with no test-runner import: a mismatch throws an
 * `AssertionError` whose message carries a diff, which vitest, jest, node:test and mocha all show.
 *
 *   given(cart, itemAdded(book, 2)).when(removeItem(book), ctx).then(itemRemoved(book));
 *   given(cart).when(removeItem(book), ctx).thenFails("CartItemNotFound");
 */
type ContextArgs<Ctx> = [Ctx] extends [void] ? [] : [context: Ctx];

export type ErrorMatcher<Err> = (Err extends { kind: infer K } ? K : never) | Partial<Err> | ((error: Err) => boolean);

export interface Outcome<S, E, Err> {
  /** What `decide` returned, for assertions the kit does not cover. */
  readonly result: Either<Err, E[]>;
  readonly state: S;
  /** Exactly these events, in this order; `then()` asserts that nothing happens. */
  then(...expected: E[]): void;
  thenFails(matcher: ErrorMatcher<Err>): void;
}

const show = (value: unknown): string => inspect(value, { depth: 8, breakLength: 100 });

const matches = <Err>(error: Err, matcher: ErrorMatcher<Err>): boolean => {
  if (typeof matcher === "function") return (matcher as (e: Err) => boolean)(error);
  if (typeof matcher === "string") return (error as { kind?: unknown }).kind === matcher;
  return Object.entries(matcher as object).every(([k, v]) => {
    try {
      deepStrictEqual((error as Record<string, unknown>)[k], v);
      return true;
    } catch {
      return false;
    }
  });
};

export const given = <C, S, E, Err, Ctx>(decider: Decider<C, S, E, Err, Ctx>, ...history: E[]) => ({
  when(command: C, ...context: ContextArgs<Ctx>): Outcome<S, E, Err> {
    const state = fold(decider, history);
    const result = decider.decide(command, state, context[0] as Ctx);
    const scene = `given ${show(history)}\nwhen ${show(command)}`;
    return {
      result,
      state,
      then(...expected) {
        if (isLeft(result)) {
          throw new AssertionError({ message: `${scene}\nexpected events but it failed with ${show(result.left)}`, actual: result.left, expected });
        }
        try {
          deepStrictEqual(result.right, expected);
        } catch (e) {
          throw new AssertionError({ message: `${scene}\nunexpected events:\n${(e as Error).message}`, actual: result.right, expected });
        }
        // The new events must fold too: an evolve that throws on them is a bug found here, not in production.
        fold(decider, [...history, ...result.right]);
      },
      thenFails(matcher) {
        if (!isLeft(result)) {
          throw new AssertionError({ message: `${scene}\nexpected a failure matching ${show(matcher)} but it decided ${show(result.right)}`, actual: result.right, expected: matcher });
        }
        if (!matches(result.left, matcher)) {
          throw new AssertionError({ message: `${scene}\nfailed with ${show(result.left)}\nwhich does not match ${show(matcher)}`, actual: result.left, expected: matcher });
        }
      },
    };
  },
});
