import { spawn } from "node:child_process";
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { CreateQueueCommand, GetQueueAttributesCommand, ListQueuesCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { sqsClientFor } from "../projections/sqs-queue.js";
import { deadLetterQueueName, queueName, queues, type QueueDefinition } from "../projections/queues.js";
import { FAILURE_RETENTION_SECONDS, failureQueueName } from "../projections/stream-failures.js";
import { requireJava } from "./java.js";
import { elasticMqVersion, provisionElasticMq } from "./elasticmq-install.js";
import { superviseUntilReady } from "./process-control.js";

export interface ElasticMqOptions {
  readonly port: number;
  /** Where messages are kept across restarts (an H2 database); in memory when absent (tests). */
  readonly dataDir?: string;
  /** The queues of the registry made at start, under this prefix (`bookstore`); none when absent. */
  readonly queuePrefix?: string;
  /** Keeps the server running after this process exits; its output goes to this file. */
  readonly detached?: { readonly logFile: string };
}

export interface RunningElasticMq {
  readonly endpoint: string;
  /** The pid of the server this call started; absent when an already running server was reused. */
  readonly pid?: number;
  /** Stops the server if this call started it; a server that was already running is left alone. */
  stop(): Promise<void>;
}

export const sqsAnswers = async (endpoint: string): Promise<boolean> => {
  const client = sqsClientFor(endpoint);
  try {
    await client.send(new ListQueuesCommand({ MaxResults: 1 }), { abortSignal: AbortSignal.timeout(1500) });
    return true;
  } catch {
    return false;
  } finally {
    client.destroy();
  }
};

const arnOf = async (client: SQSClient, url: string): Promise<string> => {
  const out = await client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["QueueArn"] }));
  const arn = out.Attributes?.QueueArn;
  if (arn === undefined) throw new Error(`no ARN for the queue at ${url}`);
  return arn;
};

const fifoAttributes = (q: QueueDefinition): Record<string, string> => (q.fifo ? { FifoQueue: "true", ContentBasedDeduplication: "false" } : {});

/**
 * Makes the registry's queues under `prefix`, each after its dead-letter queue, with the
 * attributes SST gives them in AWS. CreateQueue with the same attributes is a no-op, so this is
 * safe to repeat. @returns each queue's URL by its registry key
 */
export const createQueues = async (client: SQSClient, prefix: string): Promise<Record<keyof typeof queues, string>> => {
  const made = await Promise.all(
    Object.entries(queues).map(async ([key, q]) => {
      const dlq = await client.send(
        new CreateQueueCommand({
          QueueName: deadLetterQueueName(prefix, q),
          Attributes: { ...fifoAttributes(q), MessageRetentionPeriod: String(q.deadLetter.retentionSeconds) },
        }),
      );
      if (dlq.QueueUrl === undefined) throw new Error(`no URL for ${deadLetterQueueName(prefix, q)}`);
      const main = await client.send(
        new CreateQueueCommand({
          QueueName: queueName(prefix, q),
          Attributes: {
            ...fifoAttributes(q),
            VisibilityTimeout: String(q.visibilityTimeoutSeconds),
            MessageRetentionPeriod: String(q.retentionSeconds),
            RedrivePolicy: JSON.stringify({ deadLetterTargetArn: await arnOf(client, dlq.QueueUrl), maxReceiveCount: q.deadLetter.maxReceiveCount }),
          },
        }),
      );
      if (main.QueueUrl === undefined) throw new Error(`no URL for ${queueName(prefix, q)}`);
      return [key, main.QueueUrl] as const;
    }),
  );
  return Object.fromEntries(made) as Record<keyof typeof queues, string>;
};

/** The server's settings (HOCON): SQS on loopback with AWS's limits, no statistics UI, messages on disk when asked. */
const config = (port: number, dataDir: string | undefined) =>
  [
    'include classpath("application.conf")',
    `node-address { protocol = http, host = "127.0.0.1", port = ${port}, context-path = "" }`,
    `rest-sqs { enabled = true, bind-port = ${port}, bind-hostname = "127.0.0.1", sqs-limits = strict }`,
    "rest-stats { enabled = false }",
    ...(dataDir === undefined
      ? []
      : [`messages-storage { enabled = true, uri = ${JSON.stringify(`jdbc:h2:${join(dataDir, "messages")}`)} }`]),
    "",
  ].join("\n");

/**
 * Starts ElasticMQ, a real SQS server, on loopback from the cached Maven Central jars (fetched on
 * first use), unless an SQS server already answers on the port; then makes the registry's queues.
 */
export const startElasticMq = async ({ port, dataDir, queuePrefix, detached }: ElasticMqOptions): Promise<RunningElasticMq> => {
  const endpoint = `http://127.0.0.1:${port}`;
  const withQueues = async (running: RunningElasticMq): Promise<RunningElasticMq> => {
    if (queuePrefix === undefined) return running;
    const client = sqsClientFor(endpoint);
    try {
      await createQueues(client, queuePrefix);
      return running;
    } catch (e) {
      await running.stop();
      throw e;
    } finally {
      client.destroy();
    }
  };
  if (await sqsAnswers(endpoint)) return withQueues({ endpoint, stop: async () => {} });
  requireJava("ElasticMQ");
  const { home } = provisionElasticMq(elasticMqVersion());
  const dir = dataDir === undefined ? mkdtempSync(join(tmpdir(), `bookstore-elasticmq-${port}-`)) : resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const configFile = join(dir, "elasticmq.conf");
  writeFileSync(configFile, config(port, dataDir === undefined ? undefined : dir));
  const log = detached === undefined ? null : openSync(detached.logFile, "a");
  const child = spawn("java", ["-Xms64m", "-Xmx256m", "-XX:+UseSerialGC", `-Dconfig.file=${configFile}`, "-cp", join(home, "lib", "*"), "org.elasticmq.server.Main"], {
    cwd: dir,
    detached: detached !== undefined,
    stdio: log === null ? ["ignore", "pipe", "pipe"] : ["ignore", log, log],
  });
  if (log !== null) closeSync(log);
  const removeEphemeral = () => {
    if (dataDir === undefined) rmSync(dir, { recursive: true, force: true });
  };
  let server;
  try {
    server = await superviseUntilReady(child, {
      what: `ElasticMQ on port ${port}`,
      ready: () => sqsAnswers(endpoint),
      timeoutMs: 60_000,
      detached: detached !== undefined,
      ...(detached === undefined ? {} : { logFile: detached.logFile }),
    });
  } catch (e) {
    removeEphemeral();
    throw e;
  }
  const { stop } = server;
  return withQueues({
    endpoint,
    pid: server.pid,
    stop: async () => {
      await stop();
      removeEphemeral();
    },
  });
};

/**
 * Each subscriber's on-failure queue (`<prefix>-<name>-failures`, standard, kept 14 days), as SST
 * makes one per projector: where the stream poller points to the records that exhausted their
 * retries. Safe to repeat. @returns each queue's URL by the subscriber's name
 */
export const createFailureQueues = async (client: SQSClient, prefix: string, subscribers: readonly string[]): Promise<Record<string, string>> =>
  Object.fromEntries(
    await Promise.all(
      subscribers.map(async (name) => {
        const QueueName = failureQueueName(prefix, name);
        const out = await client.send(new CreateQueueCommand({ QueueName, Attributes: { MessageRetentionPeriod: String(FAILURE_RETENTION_SECONDS) } }));
        if (out.QueueUrl === undefined) throw new Error(`no URL for ${QueueName}`);
        return [name, out.QueueUrl] as const;
      }),
    ),
  );
