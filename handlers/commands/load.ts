import { type Either, isLeft, right } from "fp-ts/lib/Either.js";
import type { DomainEvent, StreamId } from "../../events/index.js";
import type { StoredItemDecodeError } from "../../store/index.js";
import type { Aggregate } from "./aggregates.js";
import type { CommandDeps } from "./deps.js";

/** An aggregate as loaded: its state, the version it reflects, and where it lives. */
export interface Loaded<S> {
  readonly aggregate: Aggregate<S>;
  readonly streamId: StreamId;
  readonly state: S;
  readonly version: number;
}

type LoadDeps = Pick<CommandDeps, "store" | "snapshots" | "snapshotEvery">;

const snapshotsOn = (deps: LoadDeps): boolean => (deps.snapshotEvery ?? 100) > 0;

/** The newest usable snapshot (or the initial state), then the events after it. */
export const load = async <S>(deps: LoadDeps, aggregate: Aggregate<S>, id: string): Promise<Either<StoredItemDecodeError, Loaded<S>>> => {
  const streamId = aggregate.stream(id);
  let state = aggregate.initialState;
  let version = 0;
  if (aggregate.snapshot && snapshotsOn(deps)) {
    const snap = await deps.snapshots.read(streamId);
    if (snap && snap.schema === aggregate.snapshot.schema) {
      const decoded = aggregate.snapshot.codec.decode(snap.state);
      // A snapshot that does not decode is ignored: the events are the truth, the snapshot a shortcut.
      if (!isLeft(decoded)) {
        state = decoded.right;
        version = snap.version;
      }
    }
  }
  const tail = await deps.store.loadStream(streamId, version + 1);
  if (isLeft(tail)) return tail;
  state = tail.right.events.reduce((s, e) => aggregate.evolve(s, e as DomainEvent), state);
  return right({ aggregate, streamId, state, version: Math.max(version, tail.right.version) });
};

/** Loads several aggregates of one kind at once, keyed by id. */
export const loadAll = async <S>(
  deps: LoadDeps,
  aggregate: Aggregate<S>,
  ids: readonly string[],
): Promise<Either<StoredItemDecodeError, Map<string, Loaded<S>>>> => {
  const loaded = await Promise.all(ids.map((id) => load(deps, aggregate, id)));
  const out = new Map<string, Loaded<S>>();
  for (const [i, l] of loaded.entries()) {
    if (isLeft(l)) return l;
    out.set(ids[i]!, l.right);
  }
  return right(out);
};

/**
 * After an append: when the stream passed a multiple of `snapshotEvery`, fold the new events
 * onto the state and store it. Returns the work so the caller can run it off the hot path.
 */
export const snapshotAfter = <S>(
  deps: LoadDeps,
  loaded: Loaded<S>,
  events: readonly DomainEvent[],
): (() => Promise<unknown>) | undefined => {
  const every = deps.snapshotEvery ?? 100;
  const { aggregate } = loaded;
  if (!aggregate.snapshot || every <= 0 || events.length === 0) return undefined;
  const newVersion = loaded.version + events.length;
  if (Math.floor(newVersion / every) === Math.floor(loaded.version / every)) return undefined;
  const { schema, codec } = aggregate.snapshot;
  const state = events.reduce(aggregate.evolve, loaded.state);
  return () => deps.snapshots.write({ streamId: loaded.streamId, version: newVersion, schema, state: codec.encode(state) });
};
