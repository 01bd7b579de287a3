import { setTimeout as sleep } from "node:timers/promises";
import {
  type AttributeValue,
  BatchGetItemCommand,
  type BatchGetItemCommandInput,
  type BatchGetItemCommandOutput,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  TransactionCanceledException,
  type TransactWriteItem,
  TransactWriteItemsCommand,
} from "@aws-sdk/client-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import { type Either, isLeft, left, right } from "fp-ts/lib/Either.js";
import type { StreamId } from "../events/index.js";
import {
  type AppendPlan,
  commandPk,
  counterItem,
  counterValues,
  duplicateOf,
  type PlanDeps,
  planAppend,
  refusalOf,
  stale,
  type Step,
} from "./append-plan.js";
import type { BucketRegistry } from "./bucket-registry.js";
import { keys } from "./tables.js";
import { hourOfId } from "./time-buckets.js";
import type { AppendError, AppendOptions, AppendOutcome, CounterChange, CounterValues, DuplicateCommand, StreamAppend } from "./types.js";

export interface AppendDeps extends PlanDeps {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly buckets: BucketRegistry;
}

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

/** One step of the plan as DynamoDB's transaction item. */
const transactItem = (tableName: string, step: Step): TransactWriteItem => {
  switch (step.kind) {
    case "streamReached":
      return { ConditionCheck: { TableName: tableName, Key: step.key, ConditionExpression: "attribute_exists(pk)" } };
    case "streamEnds":
      return { ConditionCheck: { TableName: tableName, Key: step.key, ConditionExpression: "attribute_not_exists(pk)" } };
    case "event":
    case "command":
      return { Put: { TableName: tableName, Item: step.item, ConditionExpression: "attribute_not_exists(pk)" } };
    case "counter":
      return counterUpdate(tableName, step.change);
  }
};

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
  return out.Item === undefined ? undefined : duplicateOf(id, unmarshall(out.Item));
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

/** A cancelled transaction names, per item, why (see `refusalOf`). */
const whyCancelled = async (
  deps: AppendDeps,
  e: TransactionCanceledException,
  plan: AppendPlan,
  streams: readonly StreamAppend[],
  options: AppendOptions,
): Promise<Either<AppendError, AppendOutcome>> => {
  const reasons = (e.CancellationReasons ?? []).map((r) => ({
    ...(r.Code === undefined ? {} : { code: r.Code }),
    ...(r.Item === undefined ? {} : { old: unmarshall(r.Item) }),
  }));
  const why = refusalOf(plan, reasons, streams, options);
  if (why === "DuplicateCommand") return right(await readCommand(deps, options.command!.id));
  if (why !== undefined) return left(why);
  if (!/ConditionalCheckFailed|TransactionConflict/.test(e.message)) throw e;
  return left(stale(streams));
};

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
      new PutItemCommand({ TableName: deps.tableName, Item: counterItem(key, values), ConditionExpression: `attribute_not_exists(${keys.pk})` }),
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
    const planned = planAppend(deps, streams, options);
    if (isLeft(planned)) return planned;
    const plan = planned.right;
    const { steps, events, versions } = plan;
    if (steps.length === 0) return right({ kind: "Appended", versions, events });
    const items = steps.map((step) => transactItem(deps.tableName, step));
    await deps.buckets.ensure(events.map((e) => hourOfId(e.eventId)));
    const only = items.length === 1 && steps[0]?.kind === "event" ? items[0]?.Put : undefined;
    if (only !== undefined) {
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
          return whyCancelled(deps, e, plan, streams, options);
        }
      }
    }
    for (const [id, version] of Object.entries(versions)) deps.known.saw(id as StreamId, version);
    return right({ kind: "Appended", versions, events });
  };
