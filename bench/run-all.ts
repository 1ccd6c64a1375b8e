import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * `npm run bench [-- name-filter]`: runs every `*.bench.ts` here in its own process, one after the
 * other (they measure the machine; running them together would skew each other). Each benchmark
 * prints one JSON line `{ name, figures…, target, met }`; this collects them and exits non-zero
 * when a target was missed.
 *
 * The server benchmarks (webhook-intake, sse-latency, backfill, idle-cost) run once per database
 * backend, each in its own child, and put the backends side by side in their line: PGlite only by
 * default, PGlite and Postgres when `DATABASE_URL` names a Postgres server they may create
 * databases on, or as `BENCH_DB=pglite|postgres|both` says (bench/lib/run.ts).
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const filter = process.argv[2];
const files = fs
  .readdirSync(here)
  .filter((f) => f.endsWith(".bench.ts") && (!filter || f.includes(filter)))
  .sort();

const results: { file: string; met: boolean | undefined; line: string }[] = [];
for (const file of files) {
  console.error(`# ${file}`);
  const run = spawnSync(process.execPath, ["--import", "tsx", path.join(here, file)], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines = run.stdout
    .trim()
    .split("\n")
    .filter((l) => l.startsWith("{"));
  for (const line of lines) {
    const parsed = JSON.parse(line) as { met?: boolean };
    results.push({ file, met: parsed.met, line });
    console.log(line);
  }
  if (run.status !== 0)
    results.push({ file, met: false, line: `{"file":"${file}","error":"exit ${run.status}"}` });
}

const missed = results.filter((r) => r.met === false);
console.error(`# ${results.length} results, ${missed.length} missed their target`);
process.exit(missed.length ? 1 : 0);
