import { defineConfig } from "vitest/config";

// Unit tests need no server; everything else runs against the real local servers, started once.
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: "forks",
    projects: [
      { extends: true, test: { name: "unit", include: ["tests/unit/**/*.test.ts"] } },
      {
        extends: true,
        test: { name: "servers", include: ["tests/**/*.test.ts"], exclude: ["tests/unit/**"], globalSetup: ["tests/setup/servers.ts"] },
      },
    ],
  },
});
