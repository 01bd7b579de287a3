// `npm run provision`: installs what the local servers need ahead of time (CI calls it before the
// tests, so the first run does not spend its time downloading). Silent when all is in place.
import { isRoot } from "./debian-package.js";
import { requireJava } from "./java.js";
import { SEARCH_USER } from "./opensearch-node.js";
import { openSearchVersion, provisionOpenSearch } from "./opensearch-install.js";
import { elasticMqVersion, provisionElasticMq } from "./elasticmq-install.js";
import { ensureRedisServer } from "./redis.js";
import { ensureSystemUser } from "./system-user.js";

const timed = <T>(what: (result: T) => string | null, step: () => T): void => {
  const started = Date.now();
  const result = step();
  const said = what(result);
  if (said !== null) console.log(`${said} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
};

try {
  requireJava("DynamoDB Local, OpenSearch and ElasticMQ");
  timed((installed) => (installed ? "installed redis-server" : null), ensureRedisServer);
  timed(({ fetched, home }) => (fetched ? `fetched OpenSearch ${openSearchVersion()} into ${home}` : null), () => provisionOpenSearch());
  timed(({ fetched, home }) => (fetched ? `fetched ElasticMQ ${elasticMqVersion()} into ${home}` : null), () => provisionElasticMq());
  if (isRoot()) ensureSystemUser(SEARCH_USER);
} catch (e) {
  console.error((e as Error).message);
  process.exitCode = 1;
}
