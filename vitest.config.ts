import os from "node:os";
import path from "node:path";
import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

// Integration tests mostly wait (HTTPS round trips, jobs, conditions with deadlines), so more forks
// than CPUs pay: Vitest's default (CPUs − 1) runs everything one file at a time on a 2-CPU box.
const workers = Number(process.env.MAILROOM_TEST_WORKERS) || Math.max(3, os.availableParallelism());

/**
 * The longest files (a minute or more each on this 2-CPU machine), longest first: they start before
 * everything else, so none of them starts near the end and holds the run up alone. Vitest orders
 * by the last run's durations, but the crash test only runs on Postgres: after a PGlite run its
 * cached time is ~0, and in CI's Postgres pass it started last and ran for its 95 s alone.
 */
const LONGEST_FIRST = [
  "server/test/chaos.test.ts",
  "server/test/outbox-crash.test.ts",
  "server/test/reauth-triggers.test.ts",
  "server/test/sync-engine.test.ts",
  "server/test/sync-backfill.test.ts",
  "server/test/sync-catch-up.test.ts",
  "server/test/reauth-reconnect.test.ts",
];

class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (file: TestSpecification) => {
      const i = LONGEST_FIRST.indexOf(
        path.relative(this.ctx.config.root, file.moduleId).split(path.sep).join("/"),
      );
      return i < 0 ? LONGEST_FIRST.length : i;
    };
    // A stable sort: the rest keep Vitest's order.
    return sorted
      .map((file, i) => ({ file, i }))
      .sort((a, b) => rank(a.file) - rank(b.file) || a.i - b.i)
      .map((x) => x.file);
  }
}

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
    sequence: { sequencer: LongestFirst },
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
