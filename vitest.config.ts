import { defineConfig } from "vitest/config";

// Unit and infrastructure tests need no server; everything else runs against the real local
// servers, started once.
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: "forks",
    projects: [
      { extends: true, test: { name: "unit", include: ["tests/unit/**/*.test.ts"] } },
      { extends: true, test: { name: "infra", include: ["tests/infra/**/*.test.ts"] } },
      {
        extends: true,
        test: { name: "servers", include: ["tests/**/*.test.ts"], exclude: ["tests/unit/**", "tests/infra/**"], globalSetup: ["tests/setup/servers.ts"] },
      },
    ],
  },
});
