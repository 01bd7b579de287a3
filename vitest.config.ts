import { defineConfig } from "vitest/config";
import { serverWorkers } from "./tests/setup/workers.js";

// The SDK warns on every process that Node 20 will lose support in 2027; Lambda runs Node 22.
// Tests run on the machine's Node 20, and the warning would bury their output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

// Unit and infrastructure tests need no server; everything else runs against the real local
// servers, started once.
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: "forks",
    // Test files against the servers mostly wait on them; each worker has a DynamoDB Local of its own.
    maxWorkers: serverWorkers,
    reporters: ["default", "./tests/setup/closing-line-reporter.ts"],
    projects: [
      { extends: true, test: { name: "unit", include: ["tests/unit/**/*.test.ts"] } },
      { extends: true, test: { name: "infra", include: ["tests/infra/**/*.test.ts"] } },
      {
        extends: true,
        test: { name: "servers", include: ["tests/**/*.test.ts"], exclude: ["tests/unit/**", "tests/infra/**"], globalSetup: ["tests/setup/servers.ts"],
          setupFiles: ["tests/setup/drop-new-tables.ts"],
        },
      },
    ],
  },
});
