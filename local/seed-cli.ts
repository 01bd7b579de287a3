// `npm run seed`: the sample catalogue into the local tables (DynamoDB Local is started if it is not running).
import { createRuntime } from "../handlers/http/runtime.js";
import { createTables } from "../store/index.js";
import { startDynamoDbLocal } from "./dynamodb-local.js";
import { seed } from "./seed/seed.js";
import { dynamoDataDir, localSettings } from "./settings.js";

const settings = localSettings();
const dynamo = await startDynamoDbLocal({ port: settings.ports.dynamo, dataDir: dynamoDataDir(settings) });
try {
  const runtime = createRuntime({ dynamoDbEndpoint: dynamo.endpoint, tables: settings.tables });
  await createTables(runtime.client, settings.tables);
  const report = await seed(runtime);
  console.log(`${report.books} books in the catalogue, ${report.added} added by this run (tables ${settings.tables.events}, ${settings.tables.views})`);
  runtime.client.destroy();
} finally {
  await dynamo.stop();
}
