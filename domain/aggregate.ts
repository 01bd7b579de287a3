import { Map as PersistentMap } from "immutable";
import * as t from "io-ts";
import type { DomainEvent, StreamId } from "../events/index.js";

/**
 * How to rebuild one aggregate's state: its stream, its fold, and (for streams that grow long)
 * the codec of its snapshot. `schema` changes whenever the state's shape changes, so an old
 * snapshot is ignored rather than trusted.
 */
export interface Aggregate<S> {
  readonly name: string;
  readonly stream: (id: string) => StreamId;
  readonly initialState: S;
  readonly evolve: (state: S, event: DomainEvent) => S;
  readonly snapshot?: { readonly schema: string; readonly codec: t.Type<S, unknown, unknown> };
}

/** An aggregate from a decider: its `evolve` takes its own events, and its stream holds only those. */
export const defineAggregate = <S>(
  name: string,
  stream: (id: string) => StreamId,
  decider: { readonly initialState: S; readonly evolve: (s: S, e: never) => S },
  snapshot?: Aggregate<S>["snapshot"],
): Aggregate<S> => ({
  name,
  stream,
  initialState: decider.initialState,
  evolve: decider.evolve as (s: S, e: DomainEvent) => S,
  ...(snapshot === undefined ? {} : { snapshot }),
});

/** Persistent maps are stored as lists of [key, value] pairs. */
export const persistentMap = <V>(value: t.Type<V, unknown, unknown>): t.Type<PersistentMap<string, V>, unknown, unknown> =>
  new t.Type<PersistentMap<string, V>, unknown, unknown>(
    "PersistentMap",
    (u): u is PersistentMap<string, V> => PersistentMap.isMap(u),
    (u, c) => {
      const entries = t.array(t.tuple([t.string, value])).validate(u, c);
      return entries._tag === "Left" ? entries : t.success(PersistentMap(entries.right));
    },
    (m) => [...m.entries()].map(([k, v]) => [k, value.encode(v)]),
  );
