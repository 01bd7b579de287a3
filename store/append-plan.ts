import { marshall } from "@aws-sdk/util-dynamodb";
import { type Either, isLeft, left, right } from "fp-ts/lib/Either.js";
import * as t from "io-ts";
import { currentSchemaVersion, describeErrors, type StoredEvent, type Ulid } from "../events/index.js";
import { eventItem } from "./event-item.js";
import { itemSize, MAX_ITEM_BYTES } from "./item-size.js";
import { eventIds } from "./event-ids.js";
import { type KnownVersions, knownVersions } from "./known-versions.js";
import type { Item } from "./query-pages.js";
import { keys } from "./tables.js";
import type { AppendError, AppendOptions, ConcurrencyError, CounterChange, CounterValues, DuplicateCommand, StreamAppend } from "./types.js";

/**
 * What one append writes and checks, item by item, before any store carries it out: the
 * DynamoDB store sends it as one TransactWriteItems, the in-memory store applies it to its
 * items. Both refuse and answer from the same plan, so their limits and answers cannot drift.
 */

/** DynamoDB's limits on one TransactWriteItems call: its items, and their size together. */
export const MAX_TRANSACTION_ITEMS = 100;
export const MAX_TRANSACTION_BYTES = 4 * 1024 * 1024;

/** One item of the transaction, and which stream, counter or idempotency record of the append it stands for. */
export type Step =
  /** The stream reached its expected version: the item at that version exists. */
  | { readonly kind: "streamReached"; readonly stream: number; readonly key: Item }
  /** Nothing follows the expected version of a stream the append writes nothing to. */
  | { readonly kind: "streamEnds"; readonly stream: number; readonly key: Item }
  /** An event item, put only where no item is. */
  | { readonly kind: "event"; readonly stream: number; readonly item: Item }
  /** A counter change: ADD each amount, only if the counter exists and every guard holds. */
  | { readonly kind: "counter"; readonly counter: number; readonly key: Item; readonly change: CounterChange }
  /** The idempotency record, put only where no record of that command id is. */
  | { readonly kind: "command"; readonly item: Item };

export interface AppendPlan {
  readonly steps: readonly Step[];
  readonly events: readonly StoredEvent[];
  readonly versions: Readonly<Record<string, number>>;
}

export interface PlanDeps {
  readonly clock: () => Date;
  readonly newId: () => string;
  readonly shards: number;
  readonly commandTtlSeconds: number;
  readonly known: KnownVersions;
}

/** How a store mints, dates and indexes what it appends; every store takes the same settings. */
export interface AppendSettings {
  readonly clock?: () => Date;
  /**
   * Mints event ids: ULIDs, monotonic within the process. The default takes its time from
   * `clock`, so an injected clock moves the ids (and their time buckets) with it.
   */
  readonly newId?: () => string;
  /** Partitions per hour of the time-bucket index; more spread writes, readAll merges them all. */
  readonly shards?: number;
  /** How long an idempotency record is kept (DynamoDB TTL); default 7 days. */
  readonly commandTtlSeconds?: number;
}

/** The settings with their defaults, and a fresh memory of the versions this store has seen. */
export const planDeps = (settings: AppendSettings): PlanDeps => {
  const clock = settings.clock ?? (() => new Date());
  const shards = settings.shards ?? 4;
  if (!Number.isInteger(shards) || shards < 1) throw new RangeError(`shards must be a positive integer, not ${shards}`);
  return {
    clock,
    newId: settings.newId ?? eventIds(clock),
    shards,
    commandTtlSeconds: settings.commandTtlSeconds ?? 7 * 24 * 3600,
    known: knownVersions(),
  };
};

const marshallOptions = { removeUndefinedValues: true } as const;
export const commandPk = (id: string): string => `command#${id}`;
const keyOf = (pk: string, sk: number): Item => ({ [keys.pk]: { S: pk }, [keys.sk]: { N: String(sk) } });

/** A counter item as `createCounter` writes it. */
export const counterItem = (key: string, values: CounterValues): Item =>
  marshall({ [keys.pk]: key, [keys.sk]: 0, kind: "counter", ...values }, marshallOptions);

/** The numeric attributes of an unmarshalled counter item, without its keys. */
export const counterValues = (item: Record<string, unknown>): CounterValues =>
  Object.fromEntries(Object.entries(item).filter(([k, v]) => k !== keys.pk && k !== keys.sk && typeof v === "number")) as CounterValues;

const CommandRecord = t.intersection([
  t.type({ commandId: t.string, versions: t.record(t.string, t.number), recordedAt: t.string }),
  t.partial({ requestHash: t.string, result: t.unknown }),
]);

/** The unmarshalled idempotency record of a command id as the repeat's answer; a malformed one is a fault. */
export const duplicateOf = (id: string, item: Record<string, unknown>): DuplicateCommand => {
  const record = CommandRecord.decode(item);
  if (isLeft(record)) throw new Error(`idempotency record ${commandPk(id)} is malformed: ${describeErrors(record.left)}`);
  const { commandId, versions, recordedAt, requestHash, result } = record.right;
  return {
    kind: "DuplicateCommand",
    commandId,
    versions,
    recordedAt,
    ...(requestHash === undefined ? {} : { requestHash }),
    ...(result === undefined ? {} : { result }),
  };
};

const itemsNeeded = (known: KnownVersions, streams: readonly StreamAppend[], options: AppendOptions): number =>
  streams.reduce(
    // Each event is an item; a stream whose expected version is not known to exist gets a check
    // that it does, and a stream with nothing to append a check that nothing follows it.
    (n, s) => n + s.events.length + (s.expectedVersion > known.get(s.streamId) ? 1 : 0) + (s.events.length === 0 ? 1 : 0),
    (options.command !== undefined ? 1 : 0) + (options.counters?.length ?? 0),
  );

const checkArguments = (streams: readonly StreamAppend[]): void => {
  const seen = new Set<string>();
  for (const s of streams) {
    if (!Number.isInteger(s.expectedVersion) || s.expectedVersion < 0) {
      throw new RangeError(`expectedVersion of ${s.streamId} must be an integer >= 0, not ${s.expectedVersion}`);
    }
    if (seen.has(s.streamId)) throw new RangeError(`${s.streamId} appears twice in one append; merge its events`);
    seen.add(s.streamId);
  }
};

const tooLarge = (pk: string, what: string, bytes: number): AppendError => ({
  kind: "ItemTooLarge",
  pk,
  what,
  bytes,
  limit: MAX_ITEM_BYTES,
  message:
    `the ${what} for ${pk} would be an item of ${bytes.toLocaleString("en")} bytes; ` +
    `DynamoDB allows at most ${MAX_ITEM_BYTES.toLocaleString("en")} bytes per item (names and values counted). Nothing was written.`,
});

const tooManyItems = (streams: readonly StreamAppend[], needed: number): AppendError => {
  const events = streams.reduce((n, s) => n + s.events.length, 0);
  return {
    kind: "TooManyItems",
    items: needed,
    limit: MAX_TRANSACTION_ITEMS,
    message:
      `this append needs ${needed} items in one transaction (${events} events, ${needed - events} version checks and idempotency records); ` +
      `DynamoDB allows at most ${MAX_TRANSACTION_ITEMS}. Nothing was written.`,
  };
};

const stepSize = (step: Step): number => itemSize("item" in step ? step.item : step.key);

/**
 * The items of an append, with the events they store, or why DynamoDB would refuse it: too
 * many items, an item or the whole too large. Arguments no caller may pass are a bug and throw.
 */
export const planAppend = (deps: PlanDeps, streams: readonly StreamAppend[], options: AppendOptions): Either<AppendError, AppendPlan> => {
  checkArguments(streams);
  const needed = itemsNeeded(deps.known, streams, options);
  if (needed > MAX_TRANSACTION_ITEMS) return left(tooManyItems(streams, needed));
  const steps: Step[] = [];
  const events: StoredEvent[] = [];
  const versions: Record<string, number> = {};
  const occurredAt = deps.clock().toISOString() as StoredEvent["occurredAt"];
  for (const [index, s] of streams.entries()) {
    // Only a version this process has not seen yet needs proof that the stream reached it.
    if (s.expectedVersion > deps.known.get(s.streamId)) steps.push({ kind: "streamReached", stream: index, key: keyOf(s.streamId, s.expectedVersion) });
    if (s.events.length === 0) steps.push({ kind: "streamEnds", stream: index, key: keyOf(s.streamId, s.expectedVersion + 1) });
    for (const [i, e] of s.events.entries()) {
      const event = {
        eventId: deps.newId() as Ulid,
        type: e.type,
        schemaVersion: currentSchemaVersion(e.type),
        streamId: s.streamId,
        version: s.expectedVersion + i + 1,
        occurredAt,
        data: e.data,
        meta: e.meta,
      } as StoredEvent;
      const item = marshall(eventItem(event, deps.shards), marshallOptions);
      const bytes = itemSize(item);
      if (bytes > MAX_ITEM_BYTES) return left(tooLarge(s.streamId, `${e.type} event (version ${event.version})`, bytes));
      steps.push({ kind: "event", stream: index, item });
      events.push(event);
    }
    versions[s.streamId] = s.expectedVersion + s.events.length;
  }
  for (const [index, c] of (options.counters ?? []).entries()) {
    if (Object.keys(c.add).length === 0) throw new RangeError(`the change of counter ${c.key} adds nothing`);
    steps.push({ kind: "counter", counter: index, key: keyOf(c.key, 0), change: c });
  }
  const command = options.command;
  if (command !== undefined) {
    const now = deps.clock();
    const item = marshall(
      {
        [keys.pk]: commandPk(command.id),
        [keys.sk]: 0,
        kind: "command",
        commandId: command.id,
        requestHash: command.requestHash,
        result: command.result,
        versions,
        recordedAt: now.toISOString(),
        [keys.ttl]: Math.floor(now.getTime() / 1000) + deps.commandTtlSeconds,
      },
      marshallOptions,
    );
    const bytes = itemSize(item);
    if (bytes > MAX_ITEM_BYTES) return left(tooLarge(commandPk(command.id), "idempotency record", bytes));
    steps.push({ kind: "command", item });
  }
  const total = steps.reduce((sum, step) => sum + stepSize(step), 0);
  if (total > MAX_TRANSACTION_BYTES) {
    return left({
      kind: "TransactionTooLarge",
      bytes: total,
      limit: MAX_TRANSACTION_BYTES,
      message:
        `this append's items come to ${total.toLocaleString("en")} bytes; DynamoDB allows at most ` +
        `${MAX_TRANSACTION_BYTES.toLocaleString("en")} bytes in one transaction. Nothing was written.`,
    });
  }
  return right({ steps, events, versions });
};

/** Every stream of the append, as a refused single put or an unexplained refusal names them. */
export const stale = (streams: readonly StreamAppend[]): ConcurrencyError => ({
  kind: "ConcurrencyError",
  streams: streams.map((s) => ({ streamId: s.streamId, expectedVersion: s.expectedVersion })),
});

/** Why one step of a refused transaction failed, as DynamoDB's cancellation reasons say it. */
export interface StepRefusal {
  readonly code?: string;
  /** The item as it was, when the step asked for it back (a counter's values). */
  readonly old?: Record<string, unknown>;
}

/**
 * What a refused transaction's reasons (one per step, in order) mean. A failed idempotency
 * record: the command ran before. Failed or conflicting stream items: someone else wrote those
 * streams first. A failed counter: its guard no longer held, at the values it had. Undefined
 * when no step says why.
 */
export const refusalOf = (
  plan: AppendPlan,
  reasons: readonly StepRefusal[],
  streams: readonly StreamAppend[],
  options: AppendOptions,
): "DuplicateCommand" | ConcurrencyError | undefined => {
  const failed = new Set<number>();
  const counters: { key: string; current?: CounterValues }[] = [];
  let duplicate = false;
  plan.steps.forEach((step, i) => {
    const code = reasons[i]?.code;
    if (step.kind === "command") duplicate = code === "ConditionalCheckFailed";
    else if (step.kind === "counter") {
      const old = reasons[i]?.old;
      if (code === "ConditionalCheckFailed") counters.push({ key: step.change.key, ...(old === undefined ? {} : { current: counterValues(old) }) });
    } else if (code === "ConditionalCheckFailed" || code === "TransactionConflict") failed.add(step.stream);
  });
  if (duplicate && options.command !== undefined) return "DuplicateCommand";
  const anyConflict = reasons.some((r) => r.code === "TransactionConflict");
  if (failed.size === 0 && counters.length === 0 && !anyConflict) return undefined;
  const named = failed.size > 0 ? [...failed].sort((a, b) => a - b).flatMap((i) => streams[i] ?? []) : counters.length > 0 ? [] : streams;
  const error = stale(named);
  return counters.length > 0 ? { ...error, counters } : error;
};
