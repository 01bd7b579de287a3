import { parseArgs } from "node:util";
import { localAuthConfig } from "./auth-config.js";
import { loadOrCreateKeys } from "./jwks.js";
import { mintToken } from "./tokens.js";

const usage = "usage: npm run token -- --user <name> [--admin] [--groups a,b] [--ttl <seconds>]";

try {
  const { values } = parseArgs({
    options: {
      user: { type: "string" },
      admin: { type: "boolean", default: false },
      groups: { type: "string" },
      ttl: { type: "string", default: "3600" },
    },
  });
  const ttlSeconds = Number(values.ttl);
  if (values.user === undefined || values.user === "" || !Number.isInteger(ttlSeconds) || ttlSeconds <= 0) {
    console.error(usage);
    process.exit(2);
  }
  const groups = [...(values.admin ? ["admin"] : []), ...(values.groups?.split(",").filter(Boolean) ?? [])];
  const config = localAuthConfig();
  const keys = await loadOrCreateKeys(config.keyDir);
  console.log(await mintToken(keys, config, { user: values.user, groups, ttlSeconds }));
} catch (e) {
  console.error(`${(e as Error).message}\n${usage}`);
  process.exit(2);
}
