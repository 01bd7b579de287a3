import { unmarshall } from "@aws-sdk/util-dynamodb";
import { type Either, isLeft, left, right } from "fp-ts/lib/Either.js";
import type { StreamId } from "../events/index.js";
import {
  type AppendPlan,
  type AppendSettings,
  commandPk,
  counterItem,
  counterValues,
  duplicateOf,
  planAppend,
  planDeps,
  refusalOf,
  type Step,
  type StepRefusal,
} from "./append-plan.js";
import { decodeEventItem } from "./event-item.js";
import { itemSize, MAX_ITEM_BYTES } from "./item-size.js";
import type { Item } from "./query-pages.js";
import { eventsOfPartition, loadRead } from "./read-stream.js";
import { SNAPSHOT_SK, snapshotItem, snapshotOf, type SnapshotStore } from "./snapshots.js";
import { keys } from "./tables.js";
import { ulidBound } from "./time-buckets.js";
import type { AppendError, AppendOptions, AppendOutcome, CounterValues, EventStore, ReadResult, StreamAppend } from "./types.js";

/**
 * The events table's items in memory, as DynamoDB would hold them: marshalled items keyed by
 * `pk` and a numeric `sk`, none above DynamoDB's item size. Several stores (and a snapshot
 * store) may share one, as several processes share one table.
 */
export interface InMemoryTable {
  get(pk: string, sk: number): Item | undefined;
  /** Puts an item in place of whatever has its key. */
  put(item: Item): void;
  /** A partition's items in `sk` order. */
  partition(pk: string): readonly Item[];
  /** Every item, in no particular order. */
  items(): IterableIterator<Item>;
  readonly size: number;
}

const keyOf = (item: Item): { readonly pk: string; readonly sk: number } => {
  const pk = item[keys.pk]?.S;
  const sk = item[keys.sk]?.N;
  // DynamoDB refuses such an item with a ValidationException: a bug of the caller's.
  if (pk === undefined || pk === "" || sk === undefined) throw new Error(`an item needs a string ${keys.pk} and a numeric ${keys.sk}`);
  return { pk, sk: Number(sk) };
};

export const createInMemoryTable = (): InMemoryTable => {
  const partitions = new Map<string, Map<number, Item>>();
  let size = 0;
  return {
    get: (pk, sk) => partitions.get(pk)?.get(sk),
    put: (item) => {
      const { pk, sk } = keyOf(item);
      const bytes = itemSize(item);
      if (bytes > MAX_ITEM_BYTES) throw new Error(`Item size has exceeded the maximum allowed size: ${bytes} bytes for ${pk}, ${sk}`);
      const partition = partitions.get(pk) ?? new Map<number, Item>();
      partitions.set(pk, partition);
      if (!partition.has(sk)) size++;
      partition.set(sk, item);
    },
    partition: (pk) => [...(partitions.get(pk) ?? new Map<number, Item>())].sort(([a], [b]) => a - b).map(([, item]) => item),
    *items() {
      for (const partition of partitions.values()) yield* partition.values();
    },
    get size() {
      return size;
    },
  };
};

export interface InMemoryEventStoreConfig extends AppendSettings {
  /** The items it keeps; a table of its own unless given (another store's, say, as a second process). */
  readonly table?: InMemoryTable;
}

const stepKey = (step: Step): Item => ("item" in step ? step.item : step.key);
const at = (table: InMemoryTable, key: Item): Item | undefined => {
  const { pk, sk } = keyOf(key);
  return table.get(pk, sk);
};

/** What DynamoDB would say of one step's condition against the items as they are. */
const evaluate = (table: InMemoryTable, step: Step): StepRefusal => {
  const found = at(table, stepKey(step));
  const holds = (() => {
    switch (step.kind) {
      case "streamReached":
        return found !== undefined;
      case "streamEnds":
      case "event":
      case "command":
        return found === undefined;
      case "counter": {
        if (found === undefined) return false;
        const values = unmarshall(found);
        return Object.entries(step.change.atLeast ?? {}).every(([attr, n]) => typeof values[attr] === "number" && values[attr] >= n);
      }
    }
  })();
  if (holds) return { code: "None" };
  return step.kind === "counter" && found !== undefined ? { code: "ConditionalCheckFailed", old: unmarshall(found) } : { code: "ConditionalCheckFailed" };
};

/** A counter item after its change: ADD counts an attribute it lacks from zero. */
const added = (step: Extract<Step, { kind: "counter" }>, found: Item): Item => {
  const changed: Item = { ...found };
  for (const [attr, n] of Object.entries(step.change.add)) {
    const before = found[attr];
    if (before !== undefined && before.N === undefined) throw new Error(`counter ${step.change.key}: ADD to ${attr}, which is not a number`);
    changed[attr] = { N: String(Number(before?.N ?? 0) + n) };
  }
  return changed;
};

/**
 * Carries out a plan as one transaction: every condition is judged against the items as they
 * are, and either every write is made or none. Nothing awaits in between, so no other append
 * can come between the judging and the writing.
 */
const transact = (table: InMemoryTable, plan: AppendPlan): readonly StepRefusal[] | undefined => {
  const seen = new Set<string>();
  for (const step of plan.steps) {
    const { pk, sk } = keyOf(stepKey(step));
    // DynamoDB refuses the whole request so (a ValidationException): a bug of the caller's.
    if (seen.has(`${pk}\u0000${sk}`)) throw new Error(`Transaction request cannot include multiple operations on one item (${pk}, ${sk})`);
    seen.add(`${pk}\u0000${sk}`);
  }
  const reasons = plan.steps.map((step) => evaluate(table, step));
  if (reasons.some((r) => r.code !== "None")) return reasons;
  const writes = plan.steps.flatMap((step): Item[] => {
    if (step.kind === "event" || step.kind === "command") return [step.item];
    if (step.kind === "counter") return [added(step, at(table, step.key)!)];
    return [];
  });
  for (const item of writes) table.put(item);
  return undefined;
};

/** The event-index entries of the table in eventId order, as the sparse time index holds them. */
const indexed = (table: InMemoryTable, from: string | undefined, to: string | undefined): Item[] => {
  const { pk, sk } = keys.byTime;
  const entries: { readonly id: string; readonly item: Item }[] = [];
  for (const item of table.items()) {
    const id = item[sk]?.S;
    if (item[pk]?.S === undefined || id === undefined) continue;
    if ((from !== undefined && id < from) || (to !== undefined && id >= to)) continue;
    entries.push({ id, item });
  }
  return entries.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map((e) => e.item);
};

/**
 * An event store that keeps its items in memory, for tests of what commands decide rather than
 * of how DynamoDB stores it. It plans every append as the DynamoDB store does (the same items,
 * limits and refusals), keeps the very items that store would write and decodes them as it
 * does, so what it answers is what the DynamoDB store answers; what it cannot show is DynamoDB
 * itself: pages, the index's lag, transactions cancelled for overlapping.
 */
export const createInMemoryEventStore = (config: InMemoryEventStoreConfig = {}): EventStore => {
  const table = config.table ?? createInMemoryTable();
  const deps = planDeps(config);
  const { known } = deps;
  const readStream: EventStore["readStream"] = (streamId, options = {}) =>
    eventsOfPartition(
      table.partition(streamId).filter((item) => Number(item[keys.sk]?.N) >= (options.fromVersion ?? 1)),
      streamId,
      known,
    );
  return {
    append: async (streams: readonly StreamAppend[], options: AppendOptions = {}): Promise<Either<AppendError, AppendOutcome>> => {
      const planned = planAppend(deps, streams, options);
      if (isLeft(planned)) return planned;
      const { events, versions } = planned.right;
      const reasons = transact(table, planned.right);
      if (reasons !== undefined) {
        const why = refusalOf(planned.right, reasons, streams, options);
        if (why === "DuplicateCommand") return right(duplicateOf(options.command!.id, unmarshall(table.get(commandPk(options.command!.id), 0)!)));
        if (why === undefined) throw new Error("an append was refused, but no step of it failed");
        return left(why);
      }
      for (const [id, version] of Object.entries(versions)) known.saw(id as StreamId, version);
      return right({ kind: "Appended", versions, events });
    },
    readStream,
    loadStream: (streamId, fromVersion = 1) => loadRead(readStream(streamId, { fromVersion }), fromVersion),
    streamVersion: async (streamId) => {
      const events = table.partition(streamId).filter((item) => Number(item[keys.sk]?.N) >= 1 && item.kind?.S === "event");
      const version = Number(events.at(-1)?.[keys.sk]?.N ?? 0);
      if (version > 0) known.saw(streamId, version);
      return version;
    },
    readAll: async function* (options = {}): AsyncGenerator<ReadResult> {
      const from = options.from === undefined ? undefined : ulidBound(options.from);
      const to = options.to === undefined ? undefined : ulidBound(options.to);
      for (const item of indexed(table, from, to)) yield decodeEventItem(unmarshall(item));
    },
    findCommand: async (commandId) => {
      const item = table.get(commandPk(commandId), 0);
      return item === undefined ? undefined : duplicateOf(commandId, unmarshall(item));
    },
    readCounters: async (counterKeys) => {
      const found = new Map<string, CounterValues>();
      for (const key of new Set(counterKeys)) {
        const item = table.get(key, 0);
        if (item !== undefined) found.set(key, counterValues(unmarshall(item)));
      }
      return found;
    },
    createCounter: async (key, values) => {
      if (table.get(key, 0) !== undefined) return false;
      table.put(counterItem(key, values));
      return true;
    },
  };
};

/** Snapshots in an in-memory table, as items the DynamoDB snapshot store would write and read. */
export const createInMemorySnapshotStore = (table: InMemoryTable): SnapshotStore => ({
  read: async (streamId) => {
    const item = table.get(streamId, SNAPSHOT_SK);
    return item === undefined ? undefined : snapshotOf(streamId, item);
  },
  write: async (snapshot) => {
    const found = table.get(snapshot.streamId, SNAPSHOT_SK);
    // Two writers may race to snapshot; the older state must never replace the newer.
    if (found !== undefined && !(found.version?.N !== undefined && Number(found.version.N) < snapshot.version)) return false;
    table.put(snapshotItem(snapshot));
    return true;
  },
});
