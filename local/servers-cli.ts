// `npm run servers -- start|stop|status`: the local servers as long-lived background processes.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { dynamoDbAnswers, startDynamoDbLocal } from "./dynamodb-local.js";
import { openSearchHealthy, openSearchVersionAt, startOpenSearch } from "./opensearch.js";
import { commandLineOf, isAlive, stopPid } from "./process-control.js";
import { redisAnswers, startRedis } from "./redis.js";
import { sqsAnswers, startElasticMq } from "./elasticmq.js";

const usage = `Usage: npm run servers -- <start|stop|status> [options]

  start    start DynamoDB Local, Redis, OpenSearch and ElasticMQ (SQS, with the registry's
           queues) in the background (data under .data/)
  stop     stop the servers that \`start\` started
  status   show which servers answer

Options (or the environment variables in brackets):
  --dynamo-port N       DynamoDB Local port [DYNAMODB_PORT], default 8000
  --redis-port N        Redis port [REDIS_PORT], default 6379
  --opensearch-port N   OpenSearch HTTP port [OPENSEARCH_PORT], default 9200
  --sqs-port N          ElasticMQ's SQS port [SQS_PORT], default 9324; queues under QUEUE_PREFIX (bookstore)
  --no-opensearch       leave OpenSearch out

Data, logs and pid files go to .data/ in the repository [BOOKSTORE_DATA_DIR].
`;

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const dataDir = resolve(process.env.BOOKSTORE_DATA_DIR ?? join(repoRoot, ".data"));
const pidDir = join(dataDir, "pids");
const logDir = join(dataDir, "logs");

interface PidFile {
  readonly pid: number;
  readonly url: string;
}

interface Server {
  readonly name: string;
  readonly url: string;
  /** Part of the command line of the process we started, so a stale pid file never kills a stranger. */
  readonly processMarker: string;
  /** A one-line description when it answers, null when not. */
  probe(): Promise<string | null>;
  start(): Promise<{ pid?: number; detail: string }>;
}

const pidPath = (name: string) => join(pidDir, `${name}.json`);
const logFile = (name: string) => join(logDir, `${name}.log`);

const readPid = (name: string): PidFile | null => {
  try {
    return JSON.parse(readFileSync(pidPath(name), "utf8")) as PidFile;
  } catch {
    return null;
  }
};

const ours = (server: Server): PidFile | null => {
  const file = readPid(server.name);
  if (file === null || !isAlive(file.pid)) return null;
  const cmdline = commandLineOf(file.pid);
  return cmdline === null || cmdline.includes(server.processMarker) ? file : null;
};

const servers = (ports: { dynamo: number; redis: number; opensearch: number; sqs: number }): Server[] => {
  const dynamo = `http://127.0.0.1:${ports.dynamo}`;
  const redis = `redis://127.0.0.1:${ports.redis}`;
  const search = `http://127.0.0.1:${ports.opensearch}`;
  const sqs = `http://127.0.0.1:${ports.sqs}`;
  return [
    {
      name: "dynamodb",
      url: dynamo,
      processMarker: "DynamoDBLocal",
      probe: async () => ((await dynamoDbAnswers(dynamo)) ? "DynamoDB Local answers" : null),
      start: async () => {
        const s = await startDynamoDbLocal({ port: ports.dynamo, dataDir: join(dataDir, "dynamodb"), detached: true });
        return { ...(s.pid === undefined ? {} : { pid: s.pid }), detail: `tables on disk in ${join(dataDir, "dynamodb")}` };
      },
    },
    {
      name: "redis",
      url: redis,
      processMarker: "redis-server",
      probe: async () => ((await redisAnswers(redis)) ? "PING → PONG" : null),
      start: async () => {
        const s = await startRedis({ port: ports.redis, dataDir: join(dataDir, "redis"), detached: { logFile: logFile("redis") } });
        return { ...(s.pid === undefined ? {} : { pid: s.pid }), detail: `append-only file in ${join(dataDir, "redis")}` };
      },
    },
    {
      name: "opensearch",
      url: search,
      processMarker: "opensearch",
      probe: async () => {
        const version = await openSearchVersionAt(search);
        if (version === null) return null;
        return `OpenSearch ${version}, cluster health ${(await openSearchHealthy(search)) ? "yellow/green" : "red or starting"}`;
      },
      start: async () => {
        const s = await startOpenSearch({ port: ports.opensearch, dataDir: join(dataDir, "opensearch"), detached: { logFile: logFile("opensearch") } });
        return { ...(s.pid === undefined ? {} : { pid: s.pid }), detail: `OpenSearch ${s.version}` };
      },
    },
    {
      name: "sqs",
      url: sqs,
      processMarker: "org.elasticmq.server.Main",
      probe: async () => ((await sqsAnswers(sqs)) ? "ElasticMQ answers ListQueues" : null),
      start: async () => {
        const queuePrefix = process.env.QUEUE_PREFIX || process.env.TABLE_PREFIX || "bookstore";
        const s = await startElasticMq({ port: ports.sqs, dataDir: join(dataDir, "elasticmq"), queuePrefix, detached: { logFile: logFile("sqs") } });
        return { ...(s.pid === undefined ? {} : { pid: s.pid }), detail: `queues ${queuePrefix}-*, messages in ${join(dataDir, "elasticmq")}` };
      },
    },
  ];
};

const line = (s: Server, state: string) => console.log(`${s.name.padEnd(11)} ${s.url.padEnd(24)} ${state}`);

const start = async (list: Server[]): Promise<boolean> => {
  mkdirSync(pidDir, { recursive: true });
  mkdirSync(logDir, { recursive: true });
  const results = await Promise.allSettled(
    list.map(async (s) => {
      const already = await s.probe();
      if (already !== null) return line(s, `already running (${already})`);
      const { pid, detail } = await s.start();
      if (pid !== undefined) writeFileSync(pidPath(s.name), JSON.stringify({ pid, url: s.url } satisfies PidFile));
      line(s, `started${pid === undefined ? "" : ` (pid ${pid})`}, ${detail}`);
    }),
  );
  results.forEach((r, i) => {
    if (r.status === "rejected") console.error(`${list[i]?.name} failed to start: ${r.reason instanceof Error ? r.reason.message : String(r.reason)}`);
  });
  return results.every((r) => r.status === "fulfilled");
};

const stop = async (list: Server[]): Promise<boolean> => {
  await Promise.all(
    list.map(async (s) => {
      const file = ours(s);
      rmSync(pidPath(s.name), { force: true });
      if (file !== null) {
        await stopPid(file.pid, { group: true, graceMs: 30_000 });
        return line({ ...s, url: file.url }, `stopped (pid ${file.pid})`);
      }
      line(s, (await s.probe()) === null ? "not running" : "answers, but was not started by `npm run servers`: left alone");
    }),
  );
  return true;
};

const status = async (list: Server[]): Promise<boolean> => {
  for (const s of list) {
    const answer = await s.probe();
    const file = ours(s);
    line(s, answer === null ? "down" : `up: ${answer}${file === null ? "" : ` (pid ${file.pid})`}`);
  }
  return true;
};

const port = (flag: string | undefined, env: string | undefined, fallback: number): number => {
  const raw = flag ?? env;
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`not a port number: ${raw}`);
  return n;
};

const main = async (): Promise<number> => {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        "dynamo-port": { type: "string" },
        "redis-port": { type: "string" },
        "opensearch-port": { type: "string" },
        "sqs-port": { type: "string" },
        "no-opensearch": { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (e) {
    console.error(`${(e as Error).message}\n\n${usage}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const command = positionals[0];
  if (values.help) return console.log(usage), 0;
  if (positionals.length !== 1 || (command !== "start" && command !== "stop" && command !== "status")) {
    console.error(usage);
    return 2;
  }
  let list: Server[];
  try {
    list = servers({
      dynamo: port(values["dynamo-port"], process.env.DYNAMODB_PORT, 8000),
      redis: port(values["redis-port"], process.env.REDIS_PORT, 6379),
      opensearch: port(values["opensearch-port"], process.env.OPENSEARCH_PORT, 9200),
      sqs: port(values["sqs-port"], process.env.SQS_PORT, 9324),
    });
  } catch (e) {
    console.error(`${(e as Error).message}\n\n${usage}`);
    return 2;
  }
  // `stop` also stops an OpenSearch started earlier, even when it is left out now.
  if (values["no-opensearch"] && command !== "stop") list = list.filter((s) => s.name !== "opensearch");
  const ok = await { start, stop, status }[command](list);
  return ok ? 0 : 1;
};

process.exitCode = await main();
