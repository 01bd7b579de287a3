import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { StoredEvent } from "../events/index.js";
import { deadLetters } from "./dead-letters.js";
import type { ViewPorts, ViewsPort } from "./ports.js";
import type { Projection } from "./projection.js";

/** The newest event a projection has applied, and when it applied it. */
export interface ProjectionProgress {
  readonly eventId: string;
  readonly type: string;
  readonly streamId: string;
  readonly version: number;
  readonly occurredAt: string;
  readonly appliedAt: string;
}

export interface ProjectionStatus {
  readonly projection: string;
  readonly version: number;
  /** Absent until the projection has applied an event. */
  readonly lastEvent?: ProjectionProgress;
  /** From the event's append to its application, at the last batch: how far behind the projection ran. */
  readonly lagMs?: number;
  /** From the last applied event's append to now: grows while nothing new is applied, whether idle or stuck. */
  readonly sinceLastEventMs?: number;
  readonly deadLetters: number;
}

const statusKey = (projection: string) => ({ pk: `status#${projection}`, sk: "progress" });

/**
 * Records the newest of the events a batch applied (by event id, a ULID, so by append time).
 * The write only ever moves forward, so parallel batches of other shards cannot move it back.
 */
export const recordProgress = async ({ client, tableName }: ViewsPort, projection: string, applied: readonly StoredEvent[], now: Date): Promise<void> => {
  const newest = applied.reduce<StoredEvent | undefined>((n, e) => (n === undefined || e.eventId > n.eventId ? e : n), undefined);
  if (newest === undefined) return;
  const progress: ProjectionProgress = {
    eventId: newest.eventId,
    type: newest.type,
    streamId: newest.streamId,
    version: newest.version,
    occurredAt: newest.occurredAt,
    appliedAt: now.toISOString(),
  };
  try {
    await client.send(
      new PutCommand({
        TableName: tableName,
        Item: { ...statusKey(projection), ...progress },
        ConditionExpression: "attribute_not_exists(pk) OR eventId < :id",
        ExpressionAttributeValues: { ":id": newest.eventId },
      }),
    );
  } catch (e) {
    if (!(e instanceof ConditionalCheckFailedException)) throw e;
  }
};

/** Per projection: the last event applied, the lag, and how many records wait in its dead letters. */
export const statusOf = async (
  { views }: ViewPorts,
  projections: readonly Pick<Projection, "name" | "version">[],
  now: Date = new Date(),
): Promise<ProjectionStatus[]> =>
  Promise.all(
    projections.map(async ({ name, version }) => {
      const [item, letters] = await Promise.all([
        views.client.send(new GetCommand({ TableName: views.tableName, Key: statusKey(name), ConsistentRead: true })),
        deadLetters(views).count(name),
      ]);
      if (item.Item === undefined) return { projection: name, version, deadLetters: letters };
      const { pk: _pk, sk: _sk, ...lastEvent } = item.Item as ProjectionProgress & { pk: string; sk: string };
      const occurred = Date.parse(lastEvent.occurredAt);
      return {
        projection: name,
        version,
        lastEvent,
        lagMs: Math.max(0, Date.parse(lastEvent.appliedAt) - occurred),
        sinceLastEventMs: Math.max(0, now.getTime() - occurred),
        deadLetters: letters,
      };
    }),
  );
