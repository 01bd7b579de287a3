// `npm run infra:install`: installs SST's platform (`.sst/platform`: its components and their types)
// from the npm registry alone, so `sst.config.ts` and `stacks/` can be type-checked and tested
// offline. Silent when the platform of the pinned `sst` version is already in place.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const platformVersion = join(root, ".sst", "platform", "version");
// The package does not export its package.json, so it is read where npm put it.
const wanted = (JSON.parse(readFileSync(join(root, "node_modules", "sst", "package.json"), "utf8")) as { version: string }).version;
const installed = existsSync(platformVersion) ? readFileSync(platformVersion, "utf8").trim() : undefined;

if (installed !== wanted) {
  const started = Date.now();
  // Without these the CLI fetches bun and Pulumi plugins from the internet, and reports telemetry.
  const env = { ...process.env, SST_NO_BUN: "1", SST_SKIP_DEPENDENCY_CHECK: "1", SST_TELEMETRY_DISABLED: "1" };
  const run = spawnSync("npx", ["sst", "install", "--stage", "ci"], { cwd: root, env, stdio: "inherit" });
  if (run.status !== 0) {
    console.error(`sst install failed (exit ${run.status ?? run.signal})`);
    process.exit(1);
  }
  console.log(`installed the SST ${wanted} platform in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
