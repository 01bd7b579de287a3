// `npm start [-- --seed] [--no-search]`: the whole backend on local servers, until Ctrl-C.
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Logger } from "@aws-lambda-powertools/logger";
import { startLocalApi } from "./api.js";
import { throttlesFromEnv } from "./throttle.js";
import { throttlesFor } from "../handlers/http/throttling.js";
import { startReadSide } from "./read-side.js";
import { seed } from "./seed/seed.js";
import { startLocalServers } from "./servers.js";
import { dynamoDataDir, localSettings } from "./settings.js";
import { readModelSettingsFromEnv } from "../handlers/read-model-settings.js";
import { queuePortsFromEnv } from "../handlers/stream/ports-from-env.js";
import { queueKeys, queueName, queues as registryQueues } from "../projections/queues.js";
import { projections } from "../projections/index.js";
import { processes } from "../handlers/processes/index.js";
import { sqsFailureDestination } from "../projections/stream-failures.js";
import { sqsClientFor } from "../projections/sqs-queue.js";
import { createFailureQueues } from "./elasticmq.js";

const usage = `Usage: npm start [-- --seed] [--no-search] [--port N]

  --seed       load the sample catalogue (300+ books with stock); safe to repeat
  --no-search  leave OpenSearch out (it takes ~1 GB of memory): GET /books answers 503 [OPENSEARCH=0]
  --port N     the API's port [PORT], default 3000

API Gateway's per-route throttling is emulated with a staging stage's limits (429 with
Retry-After past them); THROTTLE=prod uses prod's, THROTTLE=off turns it off.

The stream poller keeps every read model (cart, inventory, orders, bestsellers, also-bought,
top-rated, book search, sales by category) up to date from the events table's stream, and
sends paid orders to the fulfilment queue (bookstore-fulfilment.fifo on ElasticMQ, a local SQS
server; \`npx bookstore fulfilment requests\` lists what waits there) [QUEUE_PREFIX]. A record a
projection keeps failing on is pointed to in its on-failure queue (bookstore-<projection>-failures),
as in AWS: \`npx bookstore dlq list|redrive <projection>\`.

DynamoDB Local keeps its tables on disk under .data/dynamodb, ElasticMQ its messages under
.data/elasticmq [BOOKSTORE_DATA_DIR]; ports: DYNAMODB_PORT (8000), REDIS_PORT (6379),
OPENSEARCH_PORT (9200), SQS_PORT (9324).`;

const log = new Logger({ serviceName: "bookstore-local" });

let args;
try {
  args = parseArgs({
    options: {
      seed: { type: "boolean", default: false },
      "no-search": { type: "boolean", default: process.env.OPENSEARCH === "0" },
      port: { type: "string" },
      help: { type: "boolean", default: false },
    },
  }).values;
} catch (e) {
  console.error(`${(e as Error).message}\n\n${usage}`);
  process.exit(2);
}
if (args.help) {
  console.log(usage);
  process.exit(0);
}

const settings = localSettings({ ...process.env, ...(args.port === undefined ? {} : { PORT: args.port }) });
const servers = await startLocalServers({
  dynamo: { port: settings.ports.dynamo, dataDir: dynamoDataDir(settings) },
  redis: { port: settings.ports.redis, dataDir: join(settings.dataDir, "redis") },
  ...(!args["no-search"] ? { opensearch: { port: settings.ports.opensearch, dataDir: join(settings.dataDir, "opensearch") } } : {}),
  sqs: { port: settings.ports.sqs, dataDir: join(settings.dataDir, "elasticmq"), queuePrefix: settings.queuePrefix },
});
const sqsEndpoint = servers.sqsEndpoint ?? "";
// The queues as a projector reads them from its environment, on the server just started.
const { queues } = queuePortsFromEnv({ ...process.env, SQS_ENDPOINT: sqsEndpoint, QUEUE_PREFIX: settings.queuePrefix });
// Each subscriber's on-failure queue, as its event source mapping has one in AWS (`bookstore dlq` reads them).
const sqs = sqsClientFor(sqsEndpoint);

// Throttled as a deployed stage is, unless told otherwise: a client meets 429 here first.
const throttle = throttlesFromEnv(process.env.THROTTLE, throttlesFor);
let api;
let readSide;
try {
  api = await startLocalApi({
    dynamoDbEndpoint: servers.dynamoDbEndpoint,
    tables: settings.tables,
    port: settings.ports.api,
    ...(throttle === undefined ? {} : { throttle }),
    // The read models as the handlers read them from the environment (a prefix, an index), on the servers just started.
    readModels: {
      ...readModelSettingsFromEnv(),
      redisUrl: servers.redisUrl,
      ...(servers.openSearchUrl === undefined ? {} : { openSearchUrl: servers.openSearchUrl }),
    },
  });
  const failureQueues = await createFailureQueues(sqs, settings.queuePrefix, [...projections, ...processes].map((p) => p.name));
  readSide = await startReadSide({
    runtime: api.runtime,
    dynamoDbEndpoint: servers.dynamoDbEndpoint,
    queues,
    failures: (subscriber) => {
      const url = failureQueues[subscriber];
      if (url === undefined) throw new Error(`no failure queue was made for ${subscriber}`);
      return sqsFailureDestination(sqs, url);
    },
    onError: (error) => log.error("stream poller round failed; retrying", { error: error as Error }),
  });
} catch (e) {
  await api?.close();
  await servers.stop();
  throw e;
}

log.info("started", {
  api: api.server.url,
  openapi: `${api.server.url}/openapi.json`,
  dynamoDb: servers.dynamoDbEndpoint,
  redis: servers.redisUrl,
  ...(servers.openSearchUrl === undefined ? {} : { openSearch: servers.openSearchUrl }),
  sqs: sqsEndpoint,
  tables: settings.tables,
  queues: queueKeys.map((k) => queueName(settings.queuePrefix, registryQueues[k])),
  projections: readSide.projections,
});

if (args.seed) {
  const report = await seed(api.runtime);
  log.info("seeded", { ...report });
}
console.log(
  `\nBookstore API on ${api.server.url}  (token: npm run token -- --user alice [--admin]; Ctrl-C stops)\n` +
    `SQS (ElasticMQ) on ${sqsEndpoint}: SQS_ENDPOINT=${sqsEndpoint} npx bookstore fulfilment requests\n`,
);

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  log.info("stopping", { signal });
  // The poller finishes its batch and keeps its checkpoints; requests in flight answer; then the
  // servers this process started stop (their data stays on disk).
  await readSide.stop();
  sqs.destroy();
  await api.close();
  await servers.stop();
  log.info("stopped");
  process.exit(0);
};
process.once("SIGINT", () => void stop("SIGINT"));
process.once("SIGTERM", () => void stop("SIGTERM"));
