// `npm run seed:stage`: the sample catalogue into a deployed stage's tables, named by
// EVENTS_TABLE and VIEWS_TABLE (AWS credentials and region from the usual SDK settings).
// The projectors then build the read models from the stream; running it again adds nothing.
import { createRuntime, runtimeConfigFromEnv } from "../handlers/http/runtime.js";
import { seed } from "./seed/seed.js";

const runtime = createRuntime(runtimeConfigFromEnv());
try {
  const report = await seed(runtime);
  console.log(`${report.books} books in the catalogue, ${report.added} added by this run (${runtime.tables.events})`);
} finally {
  runtime.client.destroy();
}
