import { DynamoDBStreamsClient } from "@aws-sdk/client-dynamodb-streams";
import type { Runtime } from "../handlers/http/runtime.js";
import { bookSearch } from "../projections/book-search.js";
import { processes, sweepUnpaidOrders, unpaidOrderSettingsFromEnv } from "../handlers/processes/index.js";
import { projections, type Projection, type QueuePorts } from "../projections/index.js";
import type { FailureDestination } from "../projections/stream-failures.js";
import { localAwsConfig } from "./dynamodb-local.js";
import { createStreamPoller, type StreamPoller } from "./stream-poller.js";

export interface ReadSideOptions {
  readonly runtime: Runtime;
  /** DynamoDB Local, whose Streams API the poller reads. */
  readonly dynamoDbEndpoint: string;
  /** Where the outbox projections send (the fulfilment queue on the local ElasticMQ). */
  readonly queues: QueuePorts["queues"];
  readonly idleDelayMs?: number;
  /** How often unpaid orders are swept (default 15 s); 0 leaves the sweep out. */
  readonly sweepEveryMs?: number;
  readonly onError?: (error: unknown) => void;
  /** Only these projections and processes, by name (a test that needs one read model); all of them unless given. */
  readonly only?: readonly string[];
  /** Each subscriber's on-failure destination (its queue on the local SQS server), as the event source mapping has. */
  readonly failures?: (subscriber: string) => FailureDestination;
}

export interface ReadSide {
  readonly poller: StreamPoller;
  /** The projections and processes it runs: every one of the registries, less book search when search is off. */
  readonly projections: readonly string[];
  /** Stops polling after the batch in hand; the checkpoints keep the position. */
  stop(): Promise<void>;
}

/**
 * The read side as `npm start` runs it: every projection prepared (book search makes its index),
 * then the stream poller over the events table, writing to the same read models the queries read.
 */
export const startReadSide = async ({ runtime, dynamoDbEndpoint, queues, idleDelayMs, sweepEveryMs = 15_000, onError, only, failures }: ReadSideOptions): Promise<ReadSide> => {
  // Over the read models, not a copy of them: their servers are reached only when a projection asks.
  const ports = Object.assign(Object.create(runtime.readModels) as typeof runtime.readModels, {
    commands: runtime.commands,
    clock: () => new Date(),
    queues,
  });
  const running: Projection<typeof ports>[] = [...projections.filter((p) => ports.searchConfigured || p !== bookSearch), ...processes].filter(
    (p) => only === undefined || only.includes(p.name),
  );
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
    ...(failures === undefined ? {} : { failures }),
  });
  poller.start();
  // What a schedule does in AWS: the same sweep, on a timer.
  const settings = unpaidOrderSettingsFromEnv();
  let sweeping: Promise<unknown> = Promise.resolve();
  const timer =
    sweepEveryMs > 0
      ? setInterval(() => {
          sweeping = sweeping.then(() => sweepUnpaidOrders(ports, settings, new Date()).catch((e: unknown) => onError?.(e)));
        }, sweepEveryMs)
      : undefined;
  timer?.unref();
  return {
    poller,
    projections: running.map((p) => p.name),
    stop: async () => {
      if (timer !== undefined) clearInterval(timer);
      await sweeping;
      await poller.stop();
      streams.destroy();
    },
  };
};
