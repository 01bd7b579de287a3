import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import { isLeft } from "fp-ts/lib/Either.js";
import type { StoredEvent } from "../../events/index.js";
import { deadLetters, type DeadLetter } from "../../projections/dead-letters.js";
import { atLiveGeneration } from "../../projections/generations.js";
import type { ViewPorts } from "../../projections/ports.js";
import type { Projection } from "../../projections/projection.js";
import { recordProgress } from "../../projections/status.js";
import { decodeEventItem } from "../../store/index.js";

/** Where a batch stopped: this record failed, and it and every later record must come again. */
export interface BatchFailure {
  readonly index: number;
  readonly error: unknown;
}

/** Processes records in order; undefined when all of them are done (applied, skipped or dead-lettered). */
export type RecordsHandler = (records: readonly DynamoDBRecord[]) => Promise<BatchFailure | undefined>;

/**
 * The dead letter of a stream record, as the projector (a record that does not decode) and the
 * local poller (one that kept failing) both write it: keyed by its event item, so the same
 * record given up on twice is one letter, and by its sequence number when it names no item.
 */
export const deadLetterOf = (projection: string, record: DynamoDBRecord, reason: string, at: Date): DeadLetter => {
  const image = (record.dynamodb?.NewImage ?? {}) as Record<string, AttributeValue>;
  const sequenceNumber = record.dynamodb?.SequenceNumber;
  return {
    projection,
    id: image.pk?.S !== undefined ? `${image.pk.S}|${image.sk?.N ?? image.sk?.S ?? "?"}` : `seq|${sequenceNumber ?? "?"}`,
    reason,
    image: JSON.stringify(image),
    ...(sequenceNumber === undefined ? {} : { sequenceNumber }),
    at: at.toISOString(),
  };
};

/**
 * The core the Lambda handler and the local poller share: decode each NEW_IMAGE, send what
 * cannot be decoded to the dead letters (it never blocks the stream), then apply the rest in
 * order. The whole batch is tried at once; when that fails it is applied event by event (a
 * projection is idempotent per event), and the first failing record is where the batch stops.
 */
export const createRecordsHandler = <P extends ViewPorts>(projection: Projection<P>, ports: P, clock: () => Date = () => new Date()): RecordsHandler => {
  const letters = deadLetters(ports.views);
  const handles = new Set<string>(projection.eventTypes);
  const applyAll = async (decoded: readonly { index: number; event: StoredEvent }[]): Promise<BatchFailure | undefined> => {
    if (decoded.length === 0) return undefined;
    // Read per batch: a rebuild that switched generations is followed from the next batch on.
    const live = await atLiveGeneration(ports, projection.name);
    try {
      await projection.apply(
        decoded.map((d) => d.event),
        live,
      );
      return undefined;
    } catch {
      // Go on past a failure: the events after it (of other streams, or the one it waits for)
      // still apply, so a batch that arrived out of order converges on redelivery.
      let first: BatchFailure | undefined;
      for (const { index, event } of decoded) {
        try {
          await projection.apply([event], live);
        } catch (error) {
          first ??= { index, error };
        }
      }
      return first;
    }
  };
  return async (records) => {
    const decoded: { index: number; event: StoredEvent }[] = [];
    for (const [index, record] of records.entries()) {
      const image = record.dynamodb?.NewImage as Record<string, AttributeValue> | undefined;
      if (image === undefined) continue;
      const item = decodeEventItem(unmarshall(image));
      if (isLeft(item)) {
        await letters.put(deadLetterOf(projection.name, record, item.left.reason, clock()));
        continue;
      }
      // The filter criteria keep other types out; a record that slips through is not ours.
      if (handles.has(item.right.type)) decoded.push({ index, event: item.right });
    }
    const failure = await applyAll(decoded);
    // Progress counts what comes before the failure: the part the event source mapping checkpoints.
    const applied = decoded.filter((d) => failure === undefined || d.index < failure.index).map((d) => d.event);
    await recordProgress(ports.views, projection.name, applied, clock());
    return failure;
  };
};

/**
 * A projection as a Lambda handler for a DynamoDB Streams event source mapping. A failed
 * record is reported with every record after it: the mapping checkpoints at the lowest
 * failure and sends the rest again, so reporting only the failed one would say nothing more.
 */
export const createProjector = <P extends ViewPorts>(projection: Projection<P>, ports: P, clock?: () => Date) => {
  const handle = createRecordsHandler(projection, ports, clock);
  return async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    const failure = await handle(event.Records);
    return {
      batchItemFailures:
        failure === undefined ? [] : event.Records.slice(failure.index).map((r) => ({ itemIdentifier: r.dynamodb?.SequenceNumber ?? "" })),
    };
  };
};
