import { DescribeTableCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type Shard,
  type _Record,
} from "@aws-sdk/client-dynamodb-streams";
import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { DynamoDBRecord } from "aws-lambda";
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { createRecordsHandler, deadLetterOf, type RecordsHandler } from "../handlers/stream/projector.js";
import { deadLetters } from "../projections/dead-letters.js";
import type { ViewPorts, ViewsPort } from "../projections/ports.js";
import { filterCriteria, matchesPattern, type Projection } from "../projections/projection.js";
import type { FailureDestination, StreamBatchFailure } from "../projections/stream-failures.js";

export interface StreamPollerOptions<P extends ViewPorts> {
  readonly dynamo: DynamoDBClient;
  readonly streams: DynamoDBStreamsClient;
  readonly eventsTable: string;
  readonly projections: readonly Projection<P>[];
  readonly ports: P;
  /** Wait between retries of a failing batch: `retryDelayMs * 2^attempt`, at most 2 s. */
  readonly retryDelayMs?: number;
  /** Wait after a round that found nothing new. */
  readonly idleDelayMs?: number;
  readonly clock?: () => Date;
  readonly onError?: (error: unknown) => void;
  /**
   * Each projection's on-failure destination: a record that exhausts its retries is pointed to
   * there, in the message Lambda's event source mapping sends (`npm start` gives each projection
   * its queue on the local SQS server, as SST does). Without it the record itself is kept in the
   * views table's dead letters, which is what tests and benchmarks that do not look use.
   */
  readonly failures?: (projection: string) => FailureDestination;
}

export interface StreamPoller {
  /** Reads every projection up to the end of the stream as it is now; resolves when all is applied. */
  catchUp(): Promise<void>;
  /** Polls in the background until `stop`. */
  start(): void;
  stop(): Promise<void>;
}

interface Checkpoint {
  readonly sequenceNumber?: string;
  /** The shard is closed and read to its end: its children may start. */
  readonly done: boolean;
}

/**
 * The most one GetRecords call returns. A projection's filter keeps a fraction of the records
 * (commands, snapshots and other types are read too), so reading only `batchSize` at a time
 * would hand it small batches and write a checkpoint for each.
 */
const RECORDS_PER_READ = 1000;

const checkpointKey = (projection: string, shardId: string) => ({ pk: `checkpoint#${projection}`, sk: shardId });

const checkpoints = ({ client, tableName }: ViewsPort) => ({
  get: async (projection: string, shardId: string): Promise<Checkpoint | undefined> =>
    (await client.send(new GetCommand({ TableName: tableName, Key: checkpointKey(projection, shardId), ConsistentRead: true }))).Item as
      | Checkpoint
      | undefined,
  put: async (projection: string, shardId: string, checkpoint: Checkpoint): Promise<void> => {
    await client.send(new PutCommand({ TableName: tableName, Item: { ...checkpointKey(projection, shardId), ...checkpoint } }));
  },
});

/** Seconds since the epoch, as a stream record's `ApproximateCreationDateTime` is, to the ISO time of the failure message. */
const arrival = (record: DynamoDBRecord): string => new Date(Math.floor(record.dynamodb?.ApproximateCreationDateTime ?? 0) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");

/** The on-failure message Lambda sends for records that exhausted their retries: a pointer, not the records. */
const failureOf = (projection: string, records: readonly DynamoDBRecord[], shardId: string, invokes: number, now: Date): StreamBatchFailure => {
  const [first, last] = [records[0], records.at(-1)];
  if (first === undefined || last === undefined) throw new Error("a failure of no records");
  // The fields only a reader of the message uses (`StreamBatchFailure` decodes what this code needs).
  const message = {
    requestContext: { requestId: randomUUID(), functionArn: `arn:aws:lambda:local:000000000000:function:${projection}`, condition: "RetryAttemptsExhausted", approximateInvokeCount: invokes },
    responseContext: { statusCode: 200, executedVersion: "$LATEST", functionError: "Unhandled" },
    version: "1.0",
    timestamp: now.toISOString(),
    DDBStreamBatchInfo: {
      shardId,
      startSequenceNumber: first.dynamodb?.SequenceNumber ?? "",
      endSequenceNumber: last.dynamodb?.SequenceNumber ?? "",
      approximateArrivalOfFirstRecord: arrival(first),
      approximateArrivalOfLastRecord: arrival(last),
      batchSize: records.length,
      streamArn: first.eventSourceARN ?? "",
    },
  };
  return message;
};

/** A Streams API record as the Lambda event source mapping would hand it over. */
const asLambdaRecord = (r: _Record, streamArn: string): DynamoDBRecord =>
  ({
    ...r,
    eventSourceARN: streamArn,
    dynamodb: {
      ...r.dynamodb,
      ApproximateCreationDateTime: r.dynamodb?.ApproximateCreationDateTime === undefined ? undefined : r.dynamodb.ApproximateCreationDateTime.getTime() / 1000,
    },
  }) as DynamoDBRecord;

const describeShards = async (streams: DynamoDBStreamsClient, streamArn: string): Promise<Shard[]> => {
  const shards: Shard[] = [];
  let start: string | undefined;
  do {
    const page = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: start }));
    shards.push(...(page.StreamDescription?.Shards ?? []));
    start = page.StreamDescription?.LastEvaluatedShardId;
  } while (start !== undefined);
  return shards;
};

/**
 * The local stand-in for Lambda's DynamoDB Streams event source mapping, one reader per
 * projection (as each has its own mapping in AWS): it walks the shards parents first, keeps
 * the records the projection's filter criteria match, hands batches of at most `batchSize`
 * to the same records handler the Lambda runs, retries a failing batch from its first
 * failure, bisects it once retries run out, and dead-letters a record that fails alone.
 * Its position is a checkpoint per projection and shard in the views table.
 */
export const createStreamPoller = <P extends ViewPorts>(options: StreamPollerOptions<P>): StreamPoller => {
  const { dynamo, streams, ports } = options;
  const clock = options.clock ?? (() => new Date());
  const retryDelayMs = options.retryDelayMs ?? 100;
  const marks = checkpoints(ports.views);
  const letters = deadLetters(ports.views);
  let streamArn: string | undefined;

  const arn = async (): Promise<string> => {
    if (streamArn !== undefined) return streamArn;
    const table = await dynamo.send(new DescribeTableCommand({ TableName: options.eventsTable }));
    const found = table.Table?.LatestStreamArn;
    if (found === undefined) throw new Error(`table ${options.eventsTable} has no stream`);
    return (streamArn = found);
  };

  const deliverer = (projection: Projection<P>) => {
    const handle: RecordsHandler = createRecordsHandler(projection, ports, clock);
    const { maximumRetryAttempts, bisectBatchOnFunctionError } = projection.batch;
    const destination = options.failures?.(projection.name);
    const deadLetter = async (record: DynamoDBRecord, error: unknown, shardId: string) => {
      const reason = `failed after ${maximumRetryAttempts} retries: ${error instanceof Error ? error.message : String(error)}`;
      if (destination === undefined) return letters.put(deadLetterOf(projection.name, record, reason, clock()));
      await destination.send(failureOf(projection.name, [record], shardId, maximumRetryAttempts + 1, clock()));
      // The message says where the record is, not why it failed: that goes to the log, as Lambda's would.
      options.onError?.(new Error(`${projection.name}: the record ${record.dynamodb?.SequenceNumber ?? "?"} of ${shardId} ${reason}`));
    };
    const deliver = async (batch: readonly DynamoDBRecord[], shardId: string): Promise<void> => {
      let pending = batch;
      let attempt = 0;
      while (pending.length > 0) {
        const failure = await handle(pending);
        if (failure === undefined) return;
        pending = pending.slice(failure.index);
        if (attempt < maximumRetryAttempts) {
          await sleep(Math.min(2000, retryDelayMs * 2 ** attempt));
          attempt += 1;
          continue;
        }
        if (bisectBatchOnFunctionError && pending.length > 1) {
          const half = Math.ceil(pending.length / 2);
          await deliver(pending.slice(0, half), shardId);
          await deliver(pending.slice(half), shardId);
          return;
        }
        const [first, ...rest] = pending;
        if (first !== undefined) await deadLetter(first, failure.error, shardId);
        pending = rest;
        attempt = 0;
      }
    };
    return deliver;
  };

  /** Reads one shard from its checkpoint to its current end; true when it read any record. */
  const readShard = async (projection: Projection<P>, deliver: (b: readonly DynamoDBRecord[], shardId: string) => Promise<void>, shard: Shard) => {
    const shardId = shard.ShardId ?? "";
    const streamArn = await arn();
    const pattern = filterCriteria(projection);
    const { batchSize, maximumBatchingWindowSeconds } = projection.batch;
    let mark = await marks.get(projection.name, shardId);
    const iteratorFrom = async (m: Checkpoint | undefined) =>
      (
        await streams.send(
          new GetShardIteratorCommand({
            StreamArn: streamArn,
            ShardId: shardId,
            ...(m?.sequenceNumber === undefined
              ? { ShardIteratorType: "TRIM_HORIZON" }
              : { ShardIteratorType: "AFTER_SEQUENCE_NUMBER", SequenceNumber: m.sequenceNumber }),
          }),
        )
      ).ShardIterator;
    let iterator = await iteratorFrom(mark);
    let readAny = false;
    let buffer: DynamoDBRecord[] = [];
    let lastSeen: string | undefined;
    let windowStart = Date.now();
    const flush = async (done: boolean) => {
      if (buffer.length > 0) await deliver(buffer, shardId);
      buffer = [];
      const sequenceNumber = lastSeen ?? mark?.sequenceNumber;
      if (sequenceNumber !== mark?.sequenceNumber || done !== (mark?.done ?? false)) {
        mark = { ...(sequenceNumber === undefined ? {} : { sequenceNumber }), done };
        await marks.put(projection.name, shardId, mark);
      }
      windowStart = Date.now();
    };
    while (iterator !== undefined) {
      let page;
      try {
        page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: RECORDS_PER_READ }));
      } catch (e) {
        if (!(e instanceof ExpiredIteratorException)) throw e;
        // Read again from the checkpoint: what was buffered since comes again.
        buffer = [];
        lastSeen = undefined;
        iterator = await iteratorFrom(mark);
        continue;
      }
      const records = page.Records ?? [];
      for (const r of records) {
        lastSeen = r.dynamodb?.SequenceNumber ?? lastSeen;
        const record = asLambdaRecord(r, streamArn);
        if (matchesPattern(pattern, record)) buffer.push(record);
        if (buffer.length >= batchSize) await flush(false);
      }
      readAny ||= records.length > 0;
      iterator = page.NextShardIterator;
      const windowOver = Date.now() - windowStart >= maximumBatchingWindowSeconds * 1000;
      if (records.length > 0) {
        if (windowOver) await flush(false);
        continue;
      }
      // An empty page of an open shard is its end for now; a partial batch waits out its window.
      if (buffer.length === 0 || windowOver) break;
      await sleep(50);
    }
    await flush(iterator === undefined);
    return readAny;
  };

  const readers = options.projections.map((projection) => ({ projection, deliver: deliverer(projection) }));

  /** One pass over every shard a projection may read now (a child only after its parent is done). */
  const round = async (): Promise<boolean> => {
    const shards = await describeShards(streams, await arn());
    const known = new Set(shards.map((s) => s.ShardId));
    const results = await Promise.all(
      readers.map(async ({ projection, deliver }) => {
        let readAny = false;
        const done = new Set<string>();
        for (const shard of shards) {
          const mark = await marks.get(projection.name, shard.ShardId ?? "");
          if (mark?.done === true) done.add(shard.ShardId ?? "");
        }
        for (const shard of shards) {
          if (done.has(shard.ShardId ?? "")) continue;
          const parent = shard.ParentShardId;
          if (parent !== undefined && known.has(parent) && !done.has(parent)) continue;
          readAny = (await readShard(projection, deliver, shard)) || readAny;
        }
        return readAny;
      }),
    );
    return results.some(Boolean);
  };

  let running: Promise<void> | undefined;
  let stopping = false;
  const catchUp = async () => {
    while (await round());
  };
  return {
    catchUp,
    start: () => {
      stopping = false;
      running ??= (async () => {
        while (!stopping) {
          try {
            if (!(await round())) await sleep(options.idleDelayMs ?? 200);
          } catch (e) {
            options.onError?.(e);
            await sleep(1000);
          }
        }
      })();
    },
    stop: async () => {
      stopping = true;
      await running;
      running = undefined;
    },
  };
};
