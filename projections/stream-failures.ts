import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { isLeft } from "fp-ts/lib/Either.js";
import * as t from "io-ts";
import { describeErrors } from "../events/index.js";

/**
 * What Lambda's DynamoDB Streams event source mapping sends to its on-failure destination when a
 * batch exhausts its retries: a pointer to the records (shard and sequence numbers, arrival
 * times), never the records themselves. The local stream poller sends the same shape, so
 * `bookstore dlq` reads one format wherever it runs. Only the fields this code reads are decoded;
 * others pass through.
 */
export const StreamBatchFailure = t.type({
  requestContext: t.type({ condition: t.string, approximateInvokeCount: t.number }),
  timestamp: t.string,
  DDBStreamBatchInfo: t.type({
    shardId: t.string,
    startSequenceNumber: t.string,
    endSequenceNumber: t.string,
    approximateArrivalOfFirstRecord: t.string,
    approximateArrivalOfLastRecord: t.string,
    batchSize: t.number,
    streamArn: t.string,
  }),
});
export type StreamBatchFailure = t.TypeOf<typeof StreamBatchFailure>;

/** A queue message's body as a failure pointer, or why it is not one. */
export const decodeStreamBatchFailure = (body: string): StreamBatchFailure | { readonly error: string } => {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { error: "not JSON" };
  }
  const decoded = StreamBatchFailure.decode(json);
  return isLeft(decoded) ? { error: describeErrors(decoded.left) } : decoded.right;
};

/**
 * The projector's on-failure queue: `<prefix>-<projection>-failures`, a standard queue (the event
 * source mapping cannot send to a FIFO one). SST names it so, and the local runtime and the CLI
 * find it by that name.
 */
export const failureQueueName = (prefix: string, projection: string): string => `${prefix}-${projection}-failures`;

/** How long a pointer is kept: long enough to redrive after a fortnight's holiday. */
export const FAILURE_RETENTION_SECONDS = 14 * 24 * 3600;

/** Where a projector's exhausted records are pointed to. */
export interface FailureDestination {
  send(failure: StreamBatchFailure): Promise<void>;
}

export const sqsFailureDestination = (client: Pick<SQSClient, "send">, queueUrl: string): FailureDestination => ({
  send: async (failure) => {
    await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(failure) }));
  },
});
