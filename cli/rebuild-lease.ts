import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { DeleteCommand, GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { isLeft } from "fp-ts/lib/Either.js";
import * as t from "io-ts";
import { PathReporter } from "io-ts/lib/PathReporter.js";
import { ulid } from "ulid";
import type { ViewsPort } from "../projections/index.js";

/** How long a rebuild's claim lasts without renewal: a rebuild killed outright holds the projection no longer. */
export const REBUILD_LEASE_MS = 30_000;

/** Who holds the rebuild of a projection now and until when; and, once recorded, which generation it builds from which. */
const BuildingRecord = t.intersection([
  t.partial({ owner: t.string, leaseUntil: t.number }),
  t.partial({ generation: t.number, from: t.number, startedAt: t.string }),
]);
type BuildingRecord = t.TypeOf<typeof BuildingRecord>;
type HalfBuilt = Required<Pick<BuildingRecord, "generation" | "from">>;

/** Another rebuild of the same projection holds it: two would write one generation and drop each other's work. */
export class RebuildInProgress extends Error {
  constructor(
    readonly projection: string,
    readonly until: Date,
  ) {
    super(`another rebuild of ${projection} is running (its claim lasts until ${until.toISOString()} unless renewed); wait for it to end`);
    this.name = "RebuildInProgress";
  }
}

const buildingKey = (projection: string) => ({ pk: `generation#${projection}`, sk: "building" });

const readBuildingRecord = async ({ client, tableName }: ViewsPort, projection: string): Promise<BuildingRecord | undefined> => {
  const item = (await client.send(new GetCommand({ TableName: tableName, Key: buildingKey(projection), ConsistentRead: true }))).Item;
  if (item === undefined) return undefined;
  const decoded = BuildingRecord.decode(item);
  if (isLeft(decoded)) throw new Error(`the rebuild record of ${projection} does not decode: ${PathReporter.report(decoded).join("; ")}`);
  return decoded.right;
};

export interface RebuildLease {
  /** The record as the claim found it: a generation half built by an earlier run, if any. */
  readonly found: HalfBuilt | undefined;
  /** Records which generation this run builds, from which. */
  readonly building: (building: { readonly generation: number; readonly from: number; readonly startedAt: string }) => Promise<void>;
  /** Throws if the claim was lost (renewals failed until it lapsed, or another run took it). */
  readonly assertHeld: () => void;
  /** Gives the claim up and keeps the record: the next run continues the same generation. */
  readonly release: () => Promise<void>;
  /** The rebuild is done: the record goes. */
  readonly finish: () => Promise<void>;
}

/**
 * Claims the rebuild of `projection` in the views table, unless another run holds an unexpired
 * claim, and renews the claim on a timer until released. Claimed first, read after: what the
 * record says cannot change under the run that holds it.
 */
export const takeRebuildLease = async (
  views: ViewsPort,
  projection: string,
  options: { readonly now?: () => number; readonly leaseMs?: number } = {},
): Promise<RebuildLease> => {
  const now = options.now ?? Date.now;
  const leaseMs = options.leaseMs ?? REBUILD_LEASE_MS;
  const owner = ulid();
  const { client, tableName } = views;
  const names = { "#owner": "owner" };
  let heldUntil = now() + leaseMs;
  try {
    await client.send(
      new UpdateCommand({
        TableName: tableName,
        Key: buildingKey(projection),
        UpdateExpression: "SET #owner = :owner, leaseUntil = :until",
        ConditionExpression: "attribute_not_exists(#owner) OR leaseUntil < :now",
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: { ":owner": owner, ":until": heldUntil, ":now": now() },
      }),
    );
  } catch (e) {
    if (!(e instanceof ConditionalCheckFailedException)) throw e;
    const held = await readBuildingRecord(views, projection);
    throw new RebuildInProgress(projection, new Date(held?.leaseUntil ?? now()));
  }
  const record = await readBuildingRecord(views, projection);
  const found = record?.generation === undefined || record.from === undefined ? undefined : { generation: record.generation, from: record.from };

  /** An update of the record that holds only while this run owns the claim. */
  const asOwner = (update: string, values: Record<string, unknown>, attributeNames: Record<string, string> = {}) =>
    client.send(
      new UpdateCommand({
        TableName: tableName,
        Key: buildingKey(projection),
        UpdateExpression: update,
        ConditionExpression: "#owner = :owner",
        ExpressionAttributeNames: { ...names, ...attributeNames },
        ExpressionAttributeValues: { ...values, ":owner": owner },
      }),
    );
  let lost = false;
  const renew = async () => {
    const until = now() + leaseMs;
    try {
      await asOwner("SET leaseUntil = :until", { ":until": until });
      heldUntil = until;
    } catch (e) {
      // A failed renewal is not yet a lost claim: the next one may succeed before it lapses.
      if (e instanceof ConditionalCheckFailedException) lost = true;
    }
  };
  const timer = setInterval(() => void renew(), leaseMs / 3);
  timer.unref();
  const ignoreLost = (e: unknown) => {
    if (!(e instanceof ConditionalCheckFailedException)) throw e;
  };
  return {
    found,
    building: async ({ generation, from, startedAt }) => {
      await asOwner("SET generation = :g, #from = :f, startedAt = :s", { ":g": generation, ":f": from, ":s": startedAt }, { "#from": "from" });
    },
    assertHeld: () => {
      if (lost || now() >= heldUntil) throw new Error(`the rebuild of ${projection} lost its claim (another run may hold it now); nothing was switched or dropped after that`);
    },
    release: async () => {
      clearInterval(timer);
      await asOwner("REMOVE #owner, leaseUntil", {}).catch(ignoreLost);
    },
    finish: async () => {
      clearInterval(timer);
      await client
        .send(
          new DeleteCommand({
            TableName: tableName,
            Key: buildingKey(projection),
            ConditionExpression: "#owner = :owner",
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: { ":owner": owner },
          }),
        )
        .catch(ignoreLost);
    },
  };
};
