// `npm start [-- --seed] [--search]`: the whole backend on local servers, until Ctrl-C.
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Logger } from "@aws-lambda-powertools/logger";
import { startLocalApi } from "./api.js";
import { seed } from "./seed/seed.js";
import { startLocalServers } from "./servers.js";
import { dynamoDataDir, localSettings } from "./settings.js";

const usage = `Usage: npm start [-- --seed] [--search] [--port N]

  --seed     load the sample catalogue (300+ books with stock); safe to repeat
  --search   also start OpenSearch (heavy: ~1 GB of memory) [OPENSEARCH=1]
  --port N   the API's port [PORT], default 3000

DynamoDB Local keeps its tables on disk under .data/dynamodb [BOOKSTORE_DATA_DIR];
ports: DYNAMODB_PORT (8000), REDIS_PORT (6379), OPENSEARCH_PORT (9200).`;

const log = new Logger({ serviceName: "bookstore-local" });

let args;
try {
  args = parseArgs({
    options: {
      seed: { type: "boolean", default: false },
      search: { type: "boolean", default: process.env.OPENSEARCH === "1" },
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
  ...(args.search ? { opensearch: { port: settings.ports.opensearch, dataDir: join(settings.dataDir, "opensearch") } } : {}),
});

let api;
try {
  api = await startLocalApi({ dynamoDbEndpoint: servers.dynamoDbEndpoint, tables: settings.tables, port: settings.ports.api });
} catch (e) {
  await servers.stop();
  throw e;
}

log.info("started", {
  api: api.server.url,
  openapi: `${api.server.url}/openapi.json`,
  dynamoDb: servers.dynamoDbEndpoint,
  redis: servers.redisUrl,
  ...(servers.openSearchUrl === undefined ? {} : { openSearch: servers.openSearchUrl }),
  tables: settings.tables,
});

if (args.seed) {
  const report = await seed(api.runtime);
  log.info("seeded", { ...report });
}
console.log(`\nBookstore API on ${api.server.url}  (token: npm run token -- --user alice [--admin]; Ctrl-C stops)\n`);

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  log.info("stopping", { signal });
  // Requests in flight answer first; then the servers this process started stop (their data stays on disk).
  await api.close();
  await servers.stop();
  log.info("stopped");
  process.exit(0);
};
process.once("SIGINT", () => void stop("SIGINT"));
process.once("SIGTERM", () => void stop("SIGTERM"));
