import { writeFileSync } from "node:fs";
import path from "node:path";
import { loadConfig } from "../src/config.ts";
import { createLogger } from "../src/log.ts";
import { findOutbox, type OutboxRow } from "../src/outbox/outbox-store.ts";
import { startMailroom } from "../src/start.ts";

/**
 * A worker process for the outbox crash test (outbox-crash.test.ts). It dies by SIGKILL — no
 * cleanup, no graceful shutdown, as a crashed or OOM-killed process would — at the point a
 * message's subject names in brackets: `[before:<state>]` (Graph did the step, nothing recorded
 * yet) or `[after:<state>]` (recorded). Each message kills one worker once: the first to reach its
 * point writes `CRASH_DIR/<outbox id>` (exclusive create) with the point, its pid and the state the
 * database held at that moment, then dies; whoever resumes the message finds the file and goes on.
 * A send that dies with another message's worker before its own point wrote the file meets the
 * point again when resumed: a `before` hook runs on every path to recording the step (a found draft,
 * a send that already went), and an `after` hook also as a run resumes from a recorded step.
 */
const crashDir = process.env.CRASH_DIR ?? "";
const config = loadConfig();

async function dieAt(point: string, row: OutboxRow) {
  if (!crashDir || !row.subject?.endsWith(`[${point}]`)) return;
  const stored = await findOutbox((await mailroom).database.db, row.id);
  const record = JSON.stringify({ point, pid: process.pid, stateInDatabase: stored?.state ?? null });
  try {
    writeFileSync(path.join(crashDir, row.id), record, { flag: "wx" });
  } catch {
    return; // this message already killed a worker here
  }
  process.kill(process.pid, "SIGKILL");
}

const mailroom = startMailroom(config, {
  logger: createLogger(config),
  sendHooks: {
    beforeRecord: (state, row) => dieAt(`before:${state}`, row),
    afterStep: (row) => dieAt(`after:${row.state}`, row),
  },
});
await mailroom;
