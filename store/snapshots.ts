import { type AttributeValue, type DynamoDBClient, GetItemCommand, PutItemCommand, ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { marshall, unmarshall } from "@aws-sdk/util-dynamodb";
import * as t from "io-ts";
import { isLeft } from "fp-ts/lib/Either.js";
import type { StreamId } from "../events/index.js";
import { keys } from "./tables.js";

/**
 * A stream's folded state at one version, kept in the stream's own partition at `sk = 0`
 * (events start at 1), tagged `kind = "snapshot"` so stream subscriptions skip it.
 * `schema` names the state's shape; a reader that expects another schema ignores the snapshot.
 */
export interface Snapshot {
  readonly streamId: StreamId;
  readonly version: number;
  readonly schema: string;
  readonly state: unknown;
}

const SnapshotItem = t.type({ kind: t.literal("snapshot"), version: t.number, schema: t.string, state: t.unknown });

export interface SnapshotStore {
  /** The newest snapshot, or undefined when there is none or the item does not decode. */
  read(streamId: StreamId): Promise<Snapshot | undefined>;
  /** Writes the snapshot unless a newer one is already there; returns whether it was written. */
  write(snapshot: Snapshot): Promise<boolean>;
}

export const SNAPSHOT_SK = 0;

/** A snapshot as its item. */
export const snapshotItem = ({ streamId, version, schema, state }: Snapshot): Record<string, AttributeValue> =>
  marshall({ [keys.pk]: streamId, [keys.sk]: SNAPSHOT_SK, kind: "snapshot", version, schema, state }, { removeUndefinedValues: true });

/** The snapshot an item holds, or undefined when it does not decode as one. */
export const snapshotOf = (streamId: StreamId, item: Record<string, AttributeValue>): Snapshot | undefined => {
  const decoded = SnapshotItem.decode(unmarshall(item));
  if (isLeft(decoded)) return undefined;
  const { version, schema, state } = decoded.right;
  return { streamId, version, schema, state };
};

export const createSnapshotStore = ({ client, tableName }: { client: DynamoDBClient; tableName: string }): SnapshotStore => ({
  async read(streamId) {
    const out = await client.send(
      new GetItemCommand({ TableName: tableName, Key: marshall({ [keys.pk]: streamId, [keys.sk]: SNAPSHOT_SK }), ConsistentRead: true }),
    );
    return out.Item === undefined ? undefined : snapshotOf(streamId, out.Item);
  },
  async write(snapshot) {
    try {
      await client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: snapshotItem(snapshot),
          // Two writers may race to snapshot; the older state must never replace the newer.
          ConditionExpression: "attribute_not_exists(pk) OR version < :v",
          ExpressionAttributeValues: marshall({ ":v": snapshot.version }),
        }),
      );
      return true;
    } catch (e) {
      if (e instanceof ConditionalCheckFailedException) return false;
      throw e;
    }
  },
});
