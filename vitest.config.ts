import { defineConfig } from "vitest/config";

// One runner for the whole repo. Integration tests start real servers (PGlite or Postgres, the
// emulator over HTTPS), so files run in forked processes and time limits are generous.
export default defineConfig({
  test: {
    include: ["{server,emulator,web,e2e}/**/*.test.{ts,tsx}"],
    exclude: ["**/node_modules/**", "**/dist/**"],
    pool: "forks",
    globalSetup: ["server/test/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: process.env.CI_JSON_REPORT
      ? ["default", ["json", { outputFile: process.env.CI_JSON_REPORT }]]
      : ["default"],
  },
});
