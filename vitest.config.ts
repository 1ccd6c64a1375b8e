import os from "node:os";
import { defineConfig } from "vitest/config";

// Integration tests mostly wait (HTTPS round trips, jobs, conditions with deadlines), so more forks
// than CPUs pay: Vitest's default (CPUs − 1) runs everything one file at a time on a 2-CPU box.
const workers = Number(process.env.MAILROOM_TEST_WORKERS) || Math.max(3, os.availableParallelism());

// One runner for the whole repo. Integration tests start real servers (PGlite or Postgres, the
// emulator over HTTPS), so files run in forked processes and time limits are generous.
export default defineConfig({
  test: {
    exclude: ["**/node_modules/**", "**/dist/**"],
    pool: "forks",
    maxWorkers: workers,
    // A busy machine (CI beside other work) can take twice as long as a quiet one; waits inside
    // tests have their own deadlines, so these only bound a test that hangs.
    testTimeout: 120_000,
    // Concurrent tests in one file (the crash test's seven kill points) all start at once.
    maxConcurrency: 8,
    hookTimeout: 240_000,
    reporters: process.env.CI_JSON_REPORT
      ? ["default", ["json", { outputFile: process.env.CI_JSON_REPORT }]]
      : ["default"],
    projects: [
      {
        // Server, contract and end-to-end tests share a fork's loaded modules from file to file
        // (ADR 021): each file starts its own servers, database (from the template built once per
        // run) and emulator, so only the import is shared. A test that changes a global restores it.
        extends: true,
        test: {
          name: "node",
          include: ["{contract,server,e2e,scripts}/**/*.test.{ts,tsx}"],
          isolate: false,
          globalSetup: ["server/test/global-setup.ts"],
        },
      },
      {
        // The emulator's tests share a fork's loaded modules from file to file (ADR 021): each
        // starts its own emulator, whose state hangs off its own context.
        extends: true,
        test: { name: "emulator", include: ["emulator/**/*.test.ts"], isolate: false },
      },
      {
        // The web app's unit tests mock modules (vi.mock) and render into a DOM: each file alone.
        extends: true,
        test: { name: "web", include: ["web/**/*.test.{ts,tsx}"] },
      },
    ],
  },
});
