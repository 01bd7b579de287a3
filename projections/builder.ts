import { isLeft } from "fp-ts/lib/Either.js";
import * as t from "io-ts";
import type { Redis } from "ioredis";
import { describeErrors, type Envelope, type EventOf, type EventType, type StoredEvent } from "../events/index.js";
import { liveRedisPrefix, liveViews } from "./generations.js";
import type { RedisPorts, ViewPorts, ViewsPort } from "./ports.js";
import { defaultBatch, type BatchSettings, type Projection } from "./projection.js";
import { runScripts, type ScriptCall, type ScriptReply } from "./redis-scripts.js";
import { EventOutOfOrder, foldBatch, readItem, type StoredView, type ViewKey } from "./stream-view.js";

/**
 * Builders for the two common kinds of projection: a view per stream (or per lookup) in the
 * views table, and a read model in Redis kept by the Lua scripts. A projection says what it
 * handles and what each event does; `apply`, `keys` and the batch settings follow from that,
 * so what the projector, the replay CLI and a rebuild need is never written by hand.
 */

/** A stored event of one of the types `T`, its data typed by its type. */
export type EventIn<T extends EventType> = Envelope<EventOf<T>>;

/** The handled events' types as the stream delivers them, for the projector's filter and the batch's own. */
const handledBy = <T extends EventType>(eventTypes: readonly T[]) => {
  const handled = new Set<string>(eventTypes);
  return (events: readonly StoredEvent[]): EventIn<T>[] => events.filter((e): e is EventIn<T> => handled.has(e.type));
};

const batchOf = (batch: Partial<BatchSettings> | undefined): BatchSettings => ({ ...defaultBatch, ...batch });

/** Where a view lives: partition `<keyPrefix><id>`, sort key `sk` (`view` unless said). */
export interface ViewAddress {
  readonly id: string;
  readonly sk?: string;
}

/** One function per handled type, each given exactly its own events: a type left out does not compile. */
export type ViewEvolve<T extends EventType, S> = { readonly [K in T]: (state: S | undefined, event: EventIn<K>) => S };

export interface ViewProjectionSpec<T extends EventType, S, L> {
  readonly name: string;
  /** Bump it when the view's shape changes: the model is then rebuilt by replay. */
  readonly version: number;
  /** Every view's partition key starts with it: generation 0's keys, which a first rebuild drops. */
  readonly keyPrefix: string;
  /** Prefixes of the items `locate` keeps beside the views, if any: dropped with them. */
  readonly lookupPrefixes?: readonly string[];
  readonly eventTypes: readonly T[];
  /** The view's state as stored: what a stored view is decoded by before it is folded or read. */
  readonly state: t.Type<S, unknown>;
  /** Once per batch, before the fold, for a view whose address needs a lookup (another item, another event). */
  readonly locate?: (views: ViewsPort, events: readonly EventIn<T>[]) => Promise<L>;
  /** The view an event folds into; undefined while that cannot be known yet: the event waits (fails, is retried). */
  readonly viewOf: (event: EventIn<T>, located: L) => ViewAddress | undefined;
  readonly evolve: ViewEvolve<NoInfer<T>, NoInfer<S>>;
  readonly batch?: Partial<BatchSettings>;
}

export interface ViewProjection<S> extends Projection<ViewPorts> {
  readonly keys: { readonly views: readonly string[] };
  /** A view's key as generation 0 names it. */
  keyOf(address: ViewAddress): ViewKey;
  /** The views port of the generation readers use now. */
  live(views: ViewsPort): Promise<ViewsPort>;
  /** A view as readers see it now (the live generation, unless the port names one); undefined until an event made it. */
  read(views: ViewsPort, address: ViewAddress): Promise<StoredView<S> | undefined>;
  /** A stored view item, checked against the view's shape. */
  decode(item: Record<string, unknown>): StoredView<S>;
}

const storedViewOf = <S>(state: t.Type<S, unknown>) => t.type({ state, version: t.number, streamId: t.string, updatedAt: t.string });

/**
 * A projection that folds each stream's events into one view of the views table, every event
 * once and in version order (see `foldBatch`), from the declaration alone.
 */
export const viewProjection = <const T extends EventType, S, L = undefined>(spec: ViewProjectionSpec<T, S, L>): ViewProjection<S> => {
  const keyOf = ({ id, sk = "view" }: ViewAddress): ViewKey => ({ pk: spec.keyPrefix + id, sk });
  const stored = storedViewOf(spec.state);
  const decode = (item: Record<string, unknown>): StoredView<S> => {
    const decoded = stored.decode(item);
    if (isLeft(decoded)) throw new Error(`stored view ${String(item.pk)}/${String(item.sk)} of ${spec.name} does not decode: ${describeErrors(decoded.left)}`);
    // The codec's type, less what io-ts cannot spell out for a state of a type parameter.
    return decoded.right as StoredView<S>;
  };
  const handled = handledBy(spec.eventTypes);
  const evolve = spec.evolve as unknown as Readonly<Record<string, (state: S | undefined, event: StoredEvent) => S>>;
  const live = (views: ViewsPort) => liveViews(views, spec.name);
  return {
    name: spec.name,
    version: spec.version,
    eventTypes: spec.eventTypes,
    batch: batchOf(spec.batch),
    keys: { views: [spec.keyPrefix, ...(spec.lookupPrefixes ?? [])] },
    apply: async (events, { views }) => {
      const ours = handled(events);
      const located = spec.locate === undefined ? (undefined as L) : await spec.locate(views, ours);
      const addressed = new Map<StoredEvent, ViewKey>();
      for (const e of ours) {
        const address = spec.viewOf(e, located);
        if (address !== undefined) addressed.set(e, keyOf(address));
      }
      await foldBatch(
        views,
        [...addressed.keys()],
        (e) => addressed.get(e)!,
        (state: S | undefined, e) => evolve[e.type]!(state, e),
        decode,
      );
      // What came before is written; an event whose view is not known yet waits for what names it.
      const early = ours.find((e) => !addressed.has(e));
      if (early !== undefined) throw new EventOutOfOrder(early.streamId, early.version, 0);
    },
    keyOf,
    live,
    read: async (views, address) => {
      const item = await readItem(await live(views), keyOf(address));
      return item === undefined ? undefined : decode(item);
    },
    decode,
  };
};

/** A Redis key of the model: a fixed key, or a family of keys made from an id. */
export type RedisKey = string | ((id: string) => string);
export type RedisKeys = Readonly<Record<string, RedisKey>>;

/** What an event's script call may need besides the model's keys. */
export interface RedisScope {
  /** A key as Redis itself names it (the client's own prefix before it), for a script that makes keys from it. */
  readonly absolute: (key: string) => string;
}

/**
 * One function per handled type: the script call that applies the event (undefined when it
 * changes nothing here). Keys come in the generation being written; a type left out does not compile.
 */
export type RedisEvolve<T extends EventType, K extends RedisKeys> = {
  readonly [E in T]: (event: EventIn<E>, keys: K, scope: RedisScope) => ScriptCall | undefined;
};

export interface RedisProjectionSpec<T extends EventType, K extends RedisKeys> {
  readonly name: string;
  /** Bump it when the model's shape changes: the model is then rebuilt by replay. */
  readonly version: number;
  /** The model's keys as generation 0 names them; a family's pattern (`id` = `*`) is what a first rebuild drops. */
  readonly redisKeys: K;
  readonly eventTypes: readonly T[];
  readonly evolve: RedisEvolve<NoInfer<T>, NoInfer<K>>;
  /**
   * A reply besides applied (1), a repeat (0) and early (-1): the error the event fails with,
   * or undefined when the reply means it applied.
   */
  readonly refused?: (reply: ScriptReply) => Error | undefined;
  readonly batch?: Partial<BatchSettings>;
}

export interface RedisProjection<K extends RedisKeys> extends Projection<ViewPorts & RedisPorts> {
  readonly keys: { readonly redis: readonly string[] };
  /** The keys readers use now: the live generation's, or the one whose prefix is given. */
  liveKeys(redis: Redis, keyPrefix?: string): Promise<K>;
}

/** The keys of the generation whose key prefix is `prefix`. */
const keysIn = <K extends RedisKeys>(keys: K, prefix: string): K =>
  prefix === ""
    ? keys
    : (Object.fromEntries(Object.entries(keys).map(([name, key]) => [name, typeof key === "string" ? prefix + key : (id: string) => prefix + key(id)])) as K);

/**
 * A projection whose events are each one Lua script call, in batch order (see `runScripts`):
 * each script checks and records its stream's version in the same step as its change, so a
 * repeat is a no-op and an early event is refused; the batch then fails from the first event
 * refused, its later events still applied.
 */
export const redisProjection = <const T extends EventType, K extends RedisKeys>(spec: RedisProjectionSpec<T, K>): RedisProjection<K> => {
  const handled = handledBy(spec.eventTypes);
  const evolve = spec.evolve as unknown as Readonly<Record<string, (event: StoredEvent, keys: K, scope: RedisScope) => ScriptCall | undefined>>;
  return {
    name: spec.name,
    version: spec.version,
    eventTypes: spec.eventTypes,
    batch: batchOf(spec.batch),
    stores: ["cache"],
    keys: { redis: Object.values(spec.redisKeys).map((key) => (typeof key === "string" ? key : key("*"))) },
    apply: async (events, { redis, redisKeyPrefix = "" }) => {
      const ours = handled(events);
      const keys = keysIn(spec.redisKeys, redisKeyPrefix);
      const clientPrefix = redis.options.keyPrefix ?? "";
      const scope: RedisScope = { absolute: (key) => clientPrefix + key };
      const calls = ours.map((e) => evolve[e.type]!(e, keys, scope));
      // One pipeline: the connection runs the scripts in the order sent, so each stream's events
      // still land in sequence, without a round trip each.
      const replies = await runScripts(redis, calls.filter((c) => c !== undefined));
      let next = 0;
      for (const [i, call] of calls.entries()) {
        if (call === undefined) continue;
        const reply = replies[next++]!;
        const e = ours[i]!;
        if (reply === -1) throw new EventOutOfOrder(e.streamId, e.version, -1);
        const refusal = spec.refused?.(reply);
        if (refusal !== undefined) throw refusal;
      }
    },
    liveKeys: async (redis, keyPrefix) => keysIn(spec.redisKeys, await liveRedisPrefix(redis, spec.name, keyPrefix)),
  };
};
