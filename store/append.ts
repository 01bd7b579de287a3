import { setTimeout as sleep } from "node:timers/promises";
import {
  type AttributeValue,
  BatchGetItemCommand,
  type BatchGetItemCommandInput,
  type BatchGetItemCommandOutput,
  type CancellationReason,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  TransactionCanceledException,
  type TransactWriteItem,
  TransactWriteItemsCommand,
} from "@aws-sdk/client-dynamodb";
import { marshall, unmarshall } from "@aws-sdk/util-dynamodb";
import { type Either, isLeft, left, right } from "fp-ts/lib/Either.js";
import * as t from "io-ts";
import { currentSchemaVersion, describeErrors, type StoredEvent, type StreamId, type Ulid } from "../events/index.js";
import type { BucketRegistry } from "./bucket-registry.js";
import { eventItem } from "./event-item.js";
import { itemSize, MAX_ITEM_BYTES } from "./item-size.js";
import type { KnownVersions } from "./known-versions.js";
import { keys } from "./tables.js";
import { hourOfId } from "./time-buckets.js";
import type {
  AppendError,
  AppendOptions,
  AppendOutcome,
  ConcurrencyError,
  CounterChange,
  CounterValues,
  DuplicateCommand,
  StreamAppend,
} from "./types.js";

/** DynamoDB's limits on one TransactWriteItems call: its items, and their size together. */
export const MAX_TRANSACTION_ITEMS = 100;
export const MAX_TRANSACTION_BYTES = 4 * 1024 * 1024;

export interface AppendDeps {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly clock: () => Date;
  readonly newId: () => string;
  readonly shards: number;
  readonly commandTtlSeconds: number;
  readonly buckets: BucketRegistry;
  readonly known: KnownVersions;
}

const marshallOptions = { removeUndefinedValues: true } as const;
const commandPk = (id: string): string => `command#${id}`;

/** Which stream, counter or the idempotency record each transaction item stands for, in order. */
type Role = { readonly stream: number } | { readonly counter: number } | "command";

interface Plan {
  readonly items: TransactWriteItem[];
  readonly roles: Role[];
  readonly events: StoredEvent[];
  readonly versions: Record<string, number>;
}

const itemsNeeded = (known: KnownVersions, streams: readonly StreamAppend[], options: AppendOptions): number =>
  streams.reduce(
    // Each event is an item; a stream whose expected version is not known to exist gets a check
    // that it does, and a stream with nothing to append a check that nothing follows it.
    (n, s) => n + s.events.length + (s.expectedVersion > known.get(s.streamId) ? 1 : 0) + (s.events.length === 0 ? 1 : 0),
    (options.command !== undefined ? 1 : 0) + (options.counters?.length ?? 0),
  );

/** One counter change as a conditional update: ADD each amount, only if the item exists and every guard holds. */
const counterUpdate = (tableName: string, c: CounterChange): TransactWriteItem => {
  const names: Record<string, string> = {};
  const values: Record<string, AttributeValue> = {};
  const adds = Object.entries(c.add).map(([attr, n], i) => {
    names[`#a${i}`] = attr;
    values[`:a${i}`] = { N: String(n) };
    return `#a${i} :a${i}`;
  });
  const guards = Object.entries(c.atLeast ?? {}).map(([attr, n], i) => {
    names[`#g${i}`] = attr;
    values[`:g${i}`] = { N: String(n) };
    return `#g${i} >= :g${i}`;
  });
  if (adds.length === 0) throw new RangeError(`the change of counter ${c.key} adds nothing`);
  return {
    Update: {
      TableName: tableName,
      Key: { [keys.pk]: { S: c.key }, [keys.sk]: { N: "0" } },
      UpdateExpression: `ADD ${adds.join(", ")}`,
      ConditionExpression: [`attribute_exists(${keys.pk})`, ...guards].join(" AND "),
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      // A refused guard names the values that refused it, so the caller can decide again without a read.
      ReturnValuesOnConditionCheckFailure: "ALL_OLD",
    },
  };
};

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

const plan = (deps: AppendDeps, streams: readonly StreamAppend[], options: AppendOptions): Either<AppendError, Plan> => {
  const { tableName } = deps;
  const items: TransactWriteItem[] = [];
  const roles: Role[] = [];
  const events: StoredEvent[] = [];
  const versions: Record<string, number> = {};
  const occurredAt = deps.clock().toISOString() as StoredEvent["occurredAt"];
  for (const [index, s] of streams.entries()) {
    const key = (version: number): Record<string, AttributeValue> => ({
      [keys.pk]: { S: s.streamId },
      [keys.sk]: { N: String(version) },
    });
    // Only a version this process has not seen yet needs proof that the stream reached it.
    if (s.expectedVersion > deps.known.get(s.streamId)) {
      items.push({ ConditionCheck: { TableName: tableName, Key: key(s.expectedVersion), ConditionExpression: "attribute_exists(pk)" } });
      roles.push({ stream: index });
    }
    if (s.events.length === 0) {
      items.push({
        ConditionCheck: { TableName: tableName, Key: key(s.expectedVersion + 1), ConditionExpression: "attribute_not_exists(pk)" },
      });
      roles.push({ stream: index });
    }
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
      items.push({ Put: { TableName: tableName, Item: item, ConditionExpression: "attribute_not_exists(pk)" } });
      roles.push({ stream: index });
      events.push(event);
    }
    versions[s.streamId] = s.expectedVersion + s.events.length;
  }
  for (const [index, c] of (options.counters ?? []).entries()) {
    items.push(counterUpdate(tableName, c));
    roles.push({ counter: index });
  }
  const command = options.command;
  if (command !== undefined) {
    const now = deps.clock();
    const record = marshall(
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
    const bytes = itemSize(record);
    if (bytes > MAX_ITEM_BYTES) return left(tooLarge(commandPk(command.id), "idempotency record", bytes));
    items.push({ Put: { TableName: tableName, Item: record, ConditionExpression: "attribute_not_exists(pk)" } });
    roles.push("command");
  }
  const total = items.reduce((sum, i) => sum + itemSize(i.Put?.Item ?? i.ConditionCheck?.Key ?? i.Update?.Key ?? {}), 0);
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
  return right({ items, roles, events, versions });
};

const CommandRecord = t.intersection([
  t.type({ commandId: t.string, versions: t.record(t.string, t.number), recordedAt: t.string }),
  t.partial({ requestHash: t.string, result: t.unknown }),
]);

/** The idempotency record of a command id, if that command ran; never a stale read. */
export const findCommand = async (
  deps: Pick<AppendDeps, "client" | "tableName">,
  id: string,
): Promise<DuplicateCommand | undefined> => {
  const out = await deps.client.send(
    new GetItemCommand({
      TableName: deps.tableName,
      Key: { [keys.pk]: { S: commandPk(id) }, [keys.sk]: { N: "0" } },
      ConsistentRead: true,
    }),
  );
  if (out.Item === undefined) return undefined;
  const record = CommandRecord.decode(unmarshall(out.Item));
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

const readCommand = async (deps: AppendDeps, id: string): Promise<DuplicateCommand> => {
  const record = await findCommand(deps, id);
  if (record === undefined) throw new Error(`idempotency record ${commandPk(id)} refused the append but cannot be read`);
  return record;
};

/** Puts one event item; false when its version is taken by another event. */
const putOne = async (deps: AppendDeps, put: NonNullable<TransactWriteItem["Put"]>, eventId: string | undefined): Promise<boolean> => {
  try {
    await deps.client.send(new PutItemCommand({ ...put, ReturnValuesOnConditionCheckFailure: "ALL_OLD" }));
    return true;
  } catch (e) {
    if (!(e instanceof ConditionalCheckFailedException)) throw e;
    // An SDK retry of a put that did go through finds our own event there: that is success.
    return eventId !== undefined && e.Item?.eventId?.S === eventId;
  }
};

const stale = (streams: readonly StreamAppend[]): ConcurrencyError => ({
  kind: "ConcurrencyError",
  streams: streams.map((s) => ({ streamId: s.streamId, expectedVersion: s.expectedVersion })),
});

const refused = (reason: CancellationReason | undefined): boolean =>
  reason?.Code === "ConditionalCheckFailed" || reason?.Code === "TransactionConflict";

/**
 * A cancelled transaction names, per item, why. A failed idempotency record means the command
 * ran before; failed or conflicting stream items mean someone else wrote those streams first.
 */
const whyCancelled = async (
  deps: AppendDeps,
  e: TransactionCanceledException,
  streams: readonly StreamAppend[],
  roles: readonly Role[],
  options: AppendOptions,
): Promise<Either<AppendError, AppendOutcome>> => {
  const reasons = e.CancellationReasons ?? [];
  const commandIndex = roles.indexOf("command");
  if (options.command !== undefined && reasons[commandIndex]?.Code === "ConditionalCheckFailed") {
    return right(await readCommand(deps, options.command.id));
  }
  const failed = new Set<number>();
  const counters: { key: string; current?: CounterValues }[] = [];
  roles.forEach((role, i) => {
    if (role === "command") return;
    if ("stream" in role) {
      if (refused(reasons[i])) failed.add(role.stream);
    } else if (reasons[i]?.Code === "ConditionalCheckFailed") {
      const item = reasons[i]?.Item;
      counters.push({ key: options.counters![role.counter]!.key, ...(item === undefined ? {} : { current: counterValues(unmarshall(item)) }) });
    }
  });
  const anyConflict = reasons.some((r) => r.Code === "TransactionConflict");
  if (failed.size === 0 && counters.length === 0 && !anyConflict && !/ConditionalCheckFailed|TransactionConflict/.test(e.message)) throw e;
  const named = failed.size > 0 ? [...failed].sort((a, b) => a - b).flatMap((i) => streams[i] ?? []) : counters.length > 0 ? [] : streams;
  const error = stale(named);
  return left(counters.length > 0 ? { ...error, counters } : error);
};

/** The numeric attributes of a counter item, without its keys. */
const counterValues = (item: Record<string, unknown>): CounterValues =>
  Object.fromEntries(Object.entries(item).filter(([k, v]) => k !== keys.pk && k !== keys.sk && typeof v === "number")) as CounterValues;

/**
 * DynamoDB cancels a transaction that overlaps another one on an item (TransactionConflict)
 * without evaluating its conditions: nothing in it was refused, so it is sent again unchanged.
 */
const onlyOverlapped = (e: TransactionCanceledException): boolean => {
  const codes = (e.CancellationReasons ?? []).map((r) => r.Code ?? "None");
  return codes.includes("TransactionConflict") && codes.every((c) => c === "TransactionConflict" || c === "None");
};
const OVERLAP_RETRIES = 12;

/** Counter items by key, 100 keys to a consistent BatchGetItem. */
export const readCounters = async (deps: Pick<AppendDeps, "client" | "tableName">, ids: readonly string[]): Promise<Map<string, CounterValues>> => {
  const found = new Map<string, CounterValues>();
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += 100) {
    let request: BatchGetItemCommandInput["RequestItems"] = {
      [deps.tableName]: { Keys: unique.slice(i, i + 100).map((k) => ({ [keys.pk]: { S: k }, [keys.sk]: { N: "0" } })), ConsistentRead: true },
    };
    while (request !== undefined && Object.keys(request).length > 0) {
      const page: BatchGetItemCommandOutput = await deps.client.send(new BatchGetItemCommand({ RequestItems: request }));
      for (const item of page.Responses?.[deps.tableName] ?? []) {
        const plain = unmarshall(item);
        found.set(String(plain[keys.pk]), counterValues(plain));
      }
      request = page.UnprocessedKeys;
    }
  }
  return found;
};

export const createCounter = async (deps: Pick<AppendDeps, "client" | "tableName">, key: string, values: CounterValues): Promise<boolean> => {
  try {
    await deps.client.send(
      new PutItemCommand({
        TableName: deps.tableName,
        Item: marshall({ [keys.pk]: key, [keys.sk]: 0, kind: "counter", ...values }),
        ConditionExpression: `attribute_not_exists(${keys.pk})`,
      }),
    );
    return true;
  } catch (e) {
    if (e instanceof ConditionalCheckFailedException) return false;
    throw e;
  }
};

export const append =
  (deps: AppendDeps) =>
  async (streams: readonly StreamAppend[], options: AppendOptions = {}): Promise<Either<AppendError, AppendOutcome>> => {
    checkArguments(streams);
    const needed = itemsNeeded(deps.known, streams, options);
    if (needed > MAX_TRANSACTION_ITEMS) {
      const events = streams.reduce((n, s) => n + s.events.length, 0);
      return left({
        kind: "TooManyItems",
        items: needed,
        limit: MAX_TRANSACTION_ITEMS,
        message:
          `this append needs ${needed} items in one transaction (${events} events, ${needed - events} version checks and idempotency records); ` +
          `DynamoDB allows at most ${MAX_TRANSACTION_ITEMS}. Nothing was written.`,
      });
    }
    const planned = plan(deps, streams, options);
    if (isLeft(planned)) return planned;
    const { items, roles, events, versions } = planned.right;
    if (items.length === 0) return right({ kind: "Appended", versions, events });
    await deps.buckets.ensure(events.map((e) => hourOfId(e.eventId)));
    const only = items.length === 1 ? items[0]?.Put : undefined;
    if (only !== undefined && roles[0] !== "command") {
      // One item is atomic on its own, and a plain put costs half the write capacity of a transactional one.
      const put = await putOne(deps, only, events[0]?.eventId);
      if (!put) return left(stale(streams));
    } else {
      for (let attempt = 0; ; attempt++) {
        try {
          await deps.client.send(
            // The token makes an SDK retry of a transaction that did go through answer success, not a
            // false conflict; a transaction sent again after a cancellation is a new one, with a new token.
            new TransactWriteItemsCommand({ TransactItems: items, ClientRequestToken: attempt === 0 ? (events[0]?.eventId ?? deps.newId()) : deps.newId() }),
          );
          break;
        } catch (e) {
          if (!(e instanceof TransactionCanceledException)) throw e;
          if (onlyOverlapped(e) && attempt < OVERLAP_RETRIES) {
            options.onTransactionConflict?.();
            await sleep(Math.min(100, 2 ** attempt) * (0.5 + Math.random()));
            continue;
          }
          return whyCancelled(deps, e, streams, roles, options);
        }
      }
    }
    for (const [id, version] of Object.entries(versions)) deps.known.saw(id as StreamId, version);
    return right({ kind: "Appended", versions, events });
  };

