import { join, resolve } from "node:path";
import { tableNames, type TableNames } from "../store/index.js";

/** Where `npm start` and `npm run seed` keep things and listen, from the environment. */
export interface LocalSettings {
  readonly dataDir: string;
  readonly tables: TableNames;
  readonly ports: { readonly api: number; readonly dynamo: number; readonly redis: number; readonly opensearch: number; readonly sqs: number };
  /** Put before the registry's queue names (`bookstore-fulfilment.fifo`). */
  readonly queuePrefix: string;
}

const port = (value: string | undefined, fallback: number): number => {
  const n = Number(value ?? fallback);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`not a port: ${value}`);
  return n;
};

export const localSettings = (env: NodeJS.ProcessEnv = process.env): LocalSettings => ({
  dataDir: resolve(env.BOOKSTORE_DATA_DIR ?? ".data"),
  tables: env.EVENTS_TABLE && env.VIEWS_TABLE ? { events: env.EVENTS_TABLE, views: env.VIEWS_TABLE } : tableNames(env.TABLE_PREFIX ?? "bookstore"),
  ports: {
    api: port(env.PORT, 3000),
    dynamo: port(env.DYNAMODB_PORT, 8000),
    redis: port(env.REDIS_PORT, 6379),
    opensearch: port(env.OPENSEARCH_PORT, 9200),
    sqs: port(env.SQS_PORT, 9324),
  },
  queuePrefix: env.QUEUE_PREFIX || env.TABLE_PREFIX || "bookstore",
});

export const dynamoDataDir = (settings: LocalSettings): string => join(settings.dataDir, "dynamodb");
