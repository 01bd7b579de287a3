import type { Either } from "fp-ts/lib/Either.js";

/**
 * An aggregate's rules as three pure functions: state is a fold of `evolve` over the stream from
 * `initialState`; `decide` turns a command into new events or an expected failure. Time, ids and
 * everything read from other streams come in through `Context`, never from inside.
 */
export interface Decider<Command, State, Event, Error, Context = void> {
  readonly initialState: State;
  readonly evolve: (state: State, event: Event) => State;
  readonly decide: (command: Command, state: State, context: Context) => Either<Error, Event[]>;
}

export const fold = <S, E>(decider: Pick<Decider<unknown, S, E, unknown, never>, "initialState" | "evolve">, events: Iterable<E>): S => {
  let state = decider.initialState;
  for (const e of events) state = decider.evolve(state, e);
  return state;
};
