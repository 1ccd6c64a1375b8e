import { spawn } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { ensureTls } from "../../emulator/src/tls.ts";

/**
 * How a server benchmark runs: once per database backend, each in its own child process (so one
 * backend's heap, connections and JIT state never colour the other's figures), then one JSON line
 * that puts the backends side by side.
 *
 * Backends: `BENCH_DB=pglite|postgres|both`; by default both when `DATABASE_URL` is set (a Postgres
 * server the bench may create and drop databases on), else PGlite only.
 *
 * The child trusts the emulator's CA through `NODE_EXTRA_CA_CERTS`, the way production trusts
 * Microsoft's: the server's own fetch is untouched.
 */
export type Backend = "pglite" | "postgres";

/** Where the emulator's CA and certificate live for every bench (created once, reused). */
export const BENCH_TLS_DIR = path.join(os.tmpdir(), "mailroom-bench-emulator-tls");

export function selectedBackends(): Backend[] {
  const choice = process.env.BENCH_DB ?? (process.env.DATABASE_URL ? "both" : "pglite");
  if (choice === "both") return ["pglite", "postgres"];
  if (choice === "pglite" || choice === "postgres") {
    if (choice === "postgres" && !process.env.DATABASE_URL)
      throw new Error("BENCH_DB=postgres needs DATABASE_URL");
    return [choice];
  }
  throw new Error(`BENCH_DB must be pglite, postgres or both, not ${choice}`);
}

const RESULT = "BENCH_RESULT ";

/**
 * In the parent: runs `script` once per backend in a child and hands the results to `summarise`,
 * whose object is printed as the one JSON line. In a child (BENCH_BACKEND set): runs `measure`.
 */
export async function perBackend<R>(
  script: string,
  measure: (backend: Backend) => Promise<R>,
  summarise: (results: Partial<Record<Backend, R>>) => Record<string, unknown>,
  options: { nodeArgs?: string[] } = {},
): Promise<void> {
  const child = process.env.BENCH_BACKEND as Backend | undefined;
  if (child) {
    const result = await measure(child);
    process.stdout.write(`${RESULT}${JSON.stringify(result)}\n`);
    // Open handles (pools, timers in libraries) must not keep a finished measurement alive.
    process.exit(0);
  }
  const tls = await ensureTls(BENCH_TLS_DIR);
  const results: Partial<Record<Backend, R>> = {};
  for (const backend of selectedBackends()) {
    console.error(`#   ${path.basename(script)} on ${backend}`);
    results[backend] = await runChild<R>(script, backend, tls.caPath, options.nodeArgs ?? []);
  }
  console.log(JSON.stringify(summarise(results)));
}

function runChild<R>(script: string, backend: Backend, caPath: string, nodeArgs: string[]): Promise<R> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [...nodeArgs, "--import", "tsx", script], {
      env: { ...process.env, BENCH_BACKEND: backend, NODE_EXTRA_CA_CERTS: caPath },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    proc.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      out += chunk;
    });
    proc.on("error", reject);
    proc.on("close", (code) => {
      const line = out.split("\n").find((l) => l.startsWith(RESULT));
      if (code !== 0 || !line) {
        // The child's own output (its log, when BENCH_LOG_LEVEL is set) says why.
        process.stderr.write(out);
        reject(new Error(`${path.basename(script)} on ${backend}: exit ${code}`));
      } else resolve(JSON.parse(line.slice(RESULT.length)) as R);
    });
  });
}

/** The q-quantile (nearest rank) of unsorted samples, 2 decimals. */
export function quantile(samples: number[], q: number): number {
  if (!samples.length) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const value = sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? sorted[0]!;
  return round(value);
}

export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** The 1-minute load average when the measurement ended: every figure is read against it. */
export function load1(): number {
  return round(os.loadavg()[0]!, 1);
}

/** Every backend met its targets (a backend that did not run does not count). */
export function allMet(results: Partial<Record<Backend, { met: boolean }>>): boolean {
  const ran = Object.values(results);
  return ran.length > 0 && ran.every((r) => r?.met === true);
}

/** postgres ÷ pglite for each numeric figure both have: how the backends compare, same run. */
export function ratios<R extends object>(results: Partial<Record<Backend, R>>, keys: (keyof R)[]) {
  const { pglite, postgres } = results;
  if (!pglite || !postgres) return undefined;
  const out: Record<string, number> = {};
  for (const key of keys) {
    const a = pglite[key];
    const b = postgres[key];
    if (typeof a === "number" && typeof b === "number" && a !== 0) out[String(key)] = round(b / a);
  }
  return out;
}
