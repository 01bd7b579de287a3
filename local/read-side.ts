import { DynamoDBStreamsClient } from "@aws-sdk/client-dynamodb-streams";
import type { Runtime } from "../handlers/http/runtime.js";
import { bookSearch } from "../projections/book-search.js";
import { projections } from "../projections/index.js";
import { localAwsConfig } from "./dynamodb-local.js";
import { createStreamPoller, type StreamPoller } from "./stream-poller.js";

export interface ReadSideOptions {
  readonly runtime: Runtime;
  /** DynamoDB Local, whose Streams API the poller reads. */
  readonly dynamoDbEndpoint: string;
  readonly idleDelayMs?: number;
  readonly onError?: (error: unknown) => void;
}

export interface ReadSide {
  readonly poller: StreamPoller;
  /** The projections it runs: every one of the registry, less book search when search is off. */
  readonly projections: readonly string[];
  /** Stops polling after the batch in hand; the checkpoints keep the position. */
  stop(): Promise<void>;
}

/**
 * The read side as `npm start` runs it: every projection prepared (book search makes its index),
 * then the stream poller over the events table, writing to the same read models the queries read.
 */
export const startReadSide = async ({ runtime, dynamoDbEndpoint, idleDelayMs, onError }: ReadSideOptions): Promise<ReadSide> => {
  const ports = runtime.readModels;
  const running = projections.filter((p) => ports.searchConfigured || p !== bookSearch);
  for (const projection of running) await projection.prepare?.(ports);
  const streams = new DynamoDBStreamsClient(localAwsConfig(dynamoDbEndpoint));
  const poller = createStreamPoller({
    dynamo: runtime.client,
    streams,
    eventsTable: runtime.tables.events,
    projections: running,
    ports,
    ...(idleDelayMs === undefined ? {} : { idleDelayMs }),
    ...(onError === undefined ? {} : { onError }),
  });
  poller.start();
  return {
    poller,
    projections: running.map((p) => p.name),
    stop: async () => {
      await poller.stop();
      streams.destroy();
    },
  };
};
