import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Database } from "../src/db/client.ts";
import { createJobQueue, type JobQueue } from "../src/jobs/queue.ts";
import { createLogger } from "../src/log.ts";
import { createTestDatabase, type TestDatabase } from "./harness.ts";
import { waitFor } from "./wait-for.ts";

const serverDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const JOB = "purge-expired-auth-records";

interface Worker {
  process: ChildProcess;
  doneJobIds: string[];
  ready: boolean;
}

function startWorker(env: Record<string, string>): Worker {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: serverDir,
    env: { ...process.env, ...env, ROLE: "worker", LOG_LEVEL: "debug" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const worker: Worker = { process: child, doneJobIds: [], ready: false };
  let buffer = "";
  child.stdout!.setEncoding("utf8");
  child.stdout!.on("data", (chunk: string) => {
    buffer += chunk;
    let newline = buffer.indexOf("\n");
    while (newline !== -1) {
      const line = JSON.parse(buffer.slice(0, newline)) as { msg?: string; job?: string; jobId?: string };
      buffer = buffer.slice(newline + 1);
      if (line.msg === "workers started") worker.ready = true;
      if (line.msg === "job done" && line.job === JOB && line.jobId) worker.doneJobIds.push(line.jobId);
      newline = buffer.indexOf("\n");
    }
  });
  return worker;
}

describe.runIf(inject("dbTemplate").kind === "postgres")("two worker processes on one Postgres", () => {
  let testDb: TestDatabase;
  let database: Database;
  let queue: JobQueue;
  const workers: Worker[] = [];

  beforeAll(async () => {
    testDb = await createTestDatabase();
    database = await testDb.open();
    queue = await createJobQueue(database, createLogger({ logLevel: "silent" }), []);
    workers.push(startWorker(testDb.env), startWorker(testDb.env));
    await waitFor(() => workers.every((w) => w.ready), { timeoutMs: 120_000, what: "both workers to start" });
  });

  afterAll(async () => {
    for (const w of workers) w.process.kill("SIGTERM");
    await Promise.all(
      workers.map(
        (w) => new Promise((r) => (w.process.exitCode !== null ? r(null) : w.process.once("exit", r))),
      ),
    );
    await queue?.stop(1);
    await database?.close();
    await testDb?.drop();
  });

  it("shares the jobs between them, each job done exactly once", async () => {
    const sent: string[] = [];
    for (let i = 0; i < 20; i++) {
      const id = await queue.send(JOB, { reason: `test ${i}` });
      if (id) sent.push(id);
    }
    expect(sent).toHaveLength(20);
    const done = () => workers.flatMap((w) => w.doneJobIds);
    await waitFor(() => sent.every((id) => done().includes(id)), {
      timeoutMs: 60_000,
      what: "all 20 jobs to be done",
    });
    const ours = done().filter((id) => sent.includes(id));
    expect(new Set(ours).size).toBe(ours.length); // nothing done twice
    for (const w of workers) expect(w.doneJobIds.filter((id) => sent.includes(id)).length).toBeGreaterThan(0);
  });
});
