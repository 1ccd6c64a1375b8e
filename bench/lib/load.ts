import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

const require = createRequire(import.meta.url);

/**
 * A closed-loop HTTP load generator: `inFlight` requests at a time over `connections` keep-alive
 * connections (undici Pool), cycling through `bodies`, in a worker thread so it does not share
 * the server's event loop. The same generator drives every target of a comparison.
 */
export interface LoadJob {
  /** Origin, e.g. http://127.0.0.1:3000 */
  url: string;
  path: string;
  bodies: string[];
  inFlight: number;
  connections: number;
  warmupMs: number;
  durationMs: number;
}

export interface LoadResult {
  requests: number;
  /** Answers other than `expectStatus`. */
  errors: number;
  statuses: Record<string, number>;
  elapsedMs: number;
  latencies: number[];
}

/** Runs in the worker (serialised with toString, so it only uses its arguments). */
async function load(job: LoadJob, Pool: typeof import("undici").Pool): Promise<LoadResult> {
  const pool = new Pool(job.url, { connections: job.connections, keepAliveTimeout: 60_000 });
  const headers = { "content-type": "application/json" };
  let measuring = false;
  let stop = false;
  let requests = 0;
  let errors = 0;
  const statuses: Record<string, number> = {};
  const latencies: number[] = [];
  let n = 0;
  const loop = async () => {
    while (!stop) {
      const body = job.bodies[n++ % job.bodies.length];
      const started = performance.now();
      const res = await pool.request({ path: job.path, method: "POST", headers, body });
      await res.body.dump();
      if (!measuring) continue;
      requests++;
      statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
      if (res.statusCode !== 202) errors++;
      latencies.push(performance.now() - started);
    }
  };
  const loops = Array.from({ length: job.inFlight }, loop);
  await new Promise((resolve) => setTimeout(resolve, job.warmupMs));
  measuring = true;
  const start = performance.now();
  await new Promise((resolve) => setTimeout(resolve, job.durationMs));
  measuring = false;
  const elapsedMs = performance.now() - start;
  stop = true;
  await Promise.all(loops);
  await pool.close();
  return { requests, errors, statuses, elapsedMs, latencies };
}

// A plain-JS worker: tsx's loader does not reach worker threads on Node 20.
const code = `const __name = (fn) => fn; // esbuild keepNames helper used by the serialised function
const { parentPort, workerData } = require("node:worker_threads");
const { Pool } = require(${JSON.stringify(require.resolve("undici"))});
const load = ${load.toString()};
load(workerData, Pool).then((result) => parentPort.postMessage(result));`;

export async function runLoad(job: LoadJob): Promise<LoadResult> {
  const worker = new Worker(code, { eval: true, workerData: job });
  try {
    return await new Promise<LoadResult>((resolve, reject) => {
      worker.once("message", resolve);
      worker.once("error", reject);
    });
  } finally {
    await worker.terminate();
  }
}
