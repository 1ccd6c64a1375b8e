import os from "node:os";
import { defineConfig } from "vitest/config";

// Integration tests mostly wait (HTTPS round trips, jobs, conditions with deadlines), so more forks
// than CPUs pay: Vitest's default (CPUs − 1) runs everything one file at a time on a 2-CPU box.
const workers = Number(process.env.MAILROOM_TEST_WORKERS) || Math.max(3, os.availableParallelism());

// One runner for the whole repo. Integration tests start real servers (PGlite or Postgres, the
// emulator over HTTPS), so files run in forked processes and time limits are generous.
export default defineConfig({
  test: {
    include: ["{contract,server,emulator,web,e2e,scripts}/**/*.test.{ts,tsx}"],
    exclude: ["**/node_modules/**", "**/dist/**"],
    pool: "forks",
    maxWorkers: workers,
    globalSetup: ["server/test/global-setup.ts"],
    // A busy machine (CI beside other work) can take twice as long as a quiet one; waits inside
    // tests have their own deadlines, so these only bound a test that hangs.
    testTimeout: 120_000,
    // Concurrent tests in one file (the crash test's seven kill points) all start at once.
    maxConcurrency: 8,
    hookTimeout: 240_000,
    reporters: process.env.CI_JSON_REPORT
      ? ["default", ["json", { outputFile: process.env.CI_JSON_REPORT }]]
      : ["default"],
  },
});
