import { DescribeTableCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DescribeStreamCommand, type DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand, type Shard } from "@aws-sdk/client-dynamodb-streams";
import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { deadLetters, filterCriteria, matchesPattern, type Projection, type ViewsPort } from "../projections/index.js";

/**
 * What the live subscription of a projection has done, read from what the poller records: its
 * checkpoint per shard (`checkpoint#<projection>`, the last stream record it is past) and the
 * dead letters. What is pending is counted on the stream itself, after the checkpoint.
 */
export interface ProjectionStatus {
  readonly name: string;
  readonly version: number;
  readonly lastEvent?: { readonly eventId: string; readonly type: string; readonly occurredAt: string };
  /** Records of the projection's types after its checkpoints; `capped` when there were more than were counted. */
  readonly pending: number;
  readonly capped: boolean;
  /** Seconds since the oldest pending record was written; 0 when nothing waits. */
  readonly lagSeconds: number;
  readonly deadLetters: number;
  readonly subscribed: boolean;
}

interface PollerCheckpoint {
  readonly sk: string;
  readonly sequenceNumber?: string;
  readonly done?: boolean;
}

const MAX_PAGES = 20;

const pollerCheckpoints = async ({ client, tableName }: ViewsPort, projection: string): Promise<PollerCheckpoint[]> => {
  const page = await client.send(
    new QueryCommand({ TableName: tableName, KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": `checkpoint#${projection}` }, ConsistentRead: true }),
  );
  return (page.Items ?? []) as PollerCheckpoint[];
};

const shardsOf = async (streams: DynamoDBStreamsClient, arn: string): Promise<Shard[]> => {
  const out: Shard[] = [];
  let start: string | undefined;
  do {
    const page = await streams.send(new DescribeStreamCommand({ StreamArn: arn, ExclusiveStartShardId: start }));
    out.push(...(page.StreamDescription?.Shards ?? []));
    start = page.StreamDescription?.LastEvaluatedShardId;
  } while (start !== undefined);
  return out;
};

export const projectionStatus = async (
  deps: { dynamo: DynamoDBClient; streams: DynamoDBStreamsClient; eventsTable: string; views: ViewsPort },
  projection: Projection,
  now: Date = new Date(),
): Promise<ProjectionStatus> => {
  const marks = await pollerCheckpoints(deps.views, projection.name);
  const letters = (await deadLetters(deps.views).list(projection.name)).length;
  const base = { name: projection.name, version: projection.version, deadLetters: letters, subscribed: marks.length > 0 };
  const arn = (await deps.dynamo.send(new DescribeTableCommand({ TableName: deps.eventsTable }))).Table?.LatestStreamArn;
  if (arn === undefined) return { ...base, pending: 0, capped: false, lagSeconds: 0 };
  const pattern = filterCriteria(projection);
  let pending = 0;
  let capped = false;
  let oldestPending: number | undefined;
  let lastEvent: ProjectionStatus["lastEvent"];
  for (const shard of await shardsOf(deps.streams, arn)) {
    const mark = marks.find((m) => m.sk === shard.ShardId);
    if (mark?.done === true) continue;
    if (mark?.sequenceNumber !== undefined) {
      const at = await deps.streams.send(
        new GetShardIteratorCommand({ StreamArn: arn, ShardId: shard.ShardId, ShardIteratorType: "AT_SEQUENCE_NUMBER", SequenceNumber: mark.sequenceNumber }),
      );
      const image = (await deps.streams.send(new GetRecordsCommand({ ShardIterator: at.ShardIterator, Limit: 1 }))).Records?.[0]?.dynamodb?.NewImage;
      const candidate = { eventId: image?.gsi1sk?.S ?? image?.eventId?.S ?? "?", type: image?.type?.S ?? "?", occurredAt: image?.occurredAt?.S ?? "?" };
      if (lastEvent === undefined || candidate.eventId > lastEvent.eventId) lastEvent = candidate;
    }
    let iterator = (
      await deps.streams.send(
        new GetShardIteratorCommand({
          StreamArn: arn,
          ShardId: shard.ShardId,
          ...(mark?.sequenceNumber === undefined ? { ShardIteratorType: "TRIM_HORIZON" } : { ShardIteratorType: "AFTER_SEQUENCE_NUMBER", SequenceNumber: mark.sequenceNumber }),
        }),
      )
    ).ShardIterator;
    for (let pages = 0; iterator !== undefined; pages++) {
      if (pages >= MAX_PAGES) {
        capped = true;
        break;
      }
      const page = await deps.streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
      const records = page.Records ?? [];
      for (const r of records) {
        if (!matchesPattern(pattern, { dynamodb: { NewImage: r.dynamodb?.NewImage } })) continue;
        pending += 1;
        const written = r.dynamodb?.ApproximateCreationDateTime?.getTime();
        if (written !== undefined && (oldestPending === undefined || written < oldestPending)) oldestPending = written;
      }
      if (records.length === 0) break;
      iterator = page.NextShardIterator;
    }
  }
  return {
    ...base,
    ...(lastEvent === undefined ? {} : { lastEvent }),
    pending,
    capped,
    lagSeconds: oldestPending === undefined ? 0 : Math.max(0, (now.getTime() - oldestPending) / 1000),
  };
};
