import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, inject, it } from "vitest";
import { z } from "zod";
import type { Emulator } from "../../emulator/src/index.ts";
import type { Db } from "../src/db/client.ts";
import { createOrg, signUp } from "./accounts-helpers.ts";
import { emulatorEnv, startTestEmulator } from "./emulator.ts";
import { TEST_SECRET_KEY, type TestClient, type TestServer } from "./harness.ts";
import { send, setChannel, waitForOutbox, withOutboxHeader } from "./outbox-helpers.ts";
import {
  CUSTOMER,
  connectThroughMicrosoft,
  followCallback,
  startServerWithPlatformApp,
} from "./outlook-helpers.ts";
import { waitFor } from "./wait-for.ts";

/**
 * Exactly once: a worker killed (SIGKILL) at each point of a send — after Graph did a step but
 * before it was recorded, and after it was recorded — and another worker taking over. Whatever the
 * point, the customer receives the message once, and no draft is left behind.
 *
 * The seven sends run at once on a pool of worker processes that is topped up whenever one dies,
 * as a process manager would: each message names its kill point in its subject and kills the
 * first worker that reaches it (outbox-crash-worker.ts), and any other send that worker was
 * running dies with it at whatever step it had reached, to be resumed too. Worker processes share
 * one database, so this runs on Postgres only
 * (DATABASE_URL=postgres://… npx vitest run server/test/outbox-crash.test.ts).
 */
const serverDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const DANA = CUSTOMER.login;
const CRASH_POINTS = [
  "before:draft_created",
  "after:draft_created",
  "before:patched",
  "after:patched",
  "after:attachments_uploaded",
  "before:sent",
  "after:sent",
];
const POOL = 2;

const crashRecord = z.object({ point: z.string(), pid: z.number(), stateInDatabase: z.string().nullable() });

describe.runIf(inject("dbTemplate").kind === "postgres")("a send whose worker is killed", () => {
  let emulator: Emulator;
  let server: TestServer;
  let admin: TestClient;
  let channelId: string;
  let db: Db;
  let workerEnv: Record<string, string>;
  const crashDir = mkdtempSync(path.join(os.tmpdir(), "mailroom-crash-"));
  const running = new Set<ChildProcess>();
  const exits = new Map<number, NodeJS.Signals | number | null>();
  let topUp = true;

  beforeAll(async () => {
    emulator = await startTestEmulator();
    // This process serves HTTP only: every job runs in the worker processes below.
    const started = await startServerWithPlatformApp(emulator, { env: { ROLE: "web" } });
    server = started.server;
    db = server.database.db;
    const { config } = server.mailroom;
    workerEnv = {
      ...emulatorEnv(emulator),
      NODE_ENV: "test",
      PUBLIC_URL: server.url,
      MICROSOFT_CLIENT_ID: started.platform.clientId,
      MICROSOFT_CLIENT_SECRET: started.platform.secret,
      DATABASE_URL: config.databaseUrl!,
      DATA_DIR: config.dataDir,
      MAILROOM_SECRET_KEY: TEST_SECRET_KEY,
      ROLE: "worker",
      LOG_LEVEL: "warn",
      CRASH_DIR: crashDir,
    };
    admin = await signUp(server, "owner@crash.test");
    await createOrg(admin, "Crash");
    const { page } = await connectThroughMicrosoft(admin, emulator);
    channelId = (await followCallback(admin, page)).split("/")[3]!;
    await setChannel(admin, channelId, { undoSendSeconds: 0 });
    for (let i = 0; i < POOL; i++) worker();
  }, 180_000);

  afterAll(async () => {
    topUp = false;
    await Promise.all([...running].map(stop));
    await server?.close();
    await emulator?.close();
    rmSync(crashDir, { recursive: true, force: true });
  });

  /** A worker process; when one exits, another takes its place until the file ends. */
  function worker() {
    const child = spawn(process.execPath, ["--import", "tsx", "test/outbox-crash-worker.ts"], {
      cwd: serverDir,
      env: { ...process.env, ...workerEnv },
      stdio: ["ignore", "ignore", "inherit"],
    });
    running.add(child);
    child.once("exit", (code, signal) => {
      running.delete(child);
      exits.set(child.pid!, signal ?? code);
      if (topUp) worker();
    });
  }

  async function stop(child: ChildProcess) {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      await exited;
    }
  }

  function crashOf(outboxId: string) {
    try {
      return crashRecord.parse(JSON.parse(readFileSync(path.join(crashDir, outboxId), "utf8")));
    } catch {
      return undefined; // not yet (or half written)
    }
  }

  it.concurrent.for(CRASH_POINTS)(
    "delivers exactly one message when killed at %s",
    { timeout: 300_000 },
    async (crashAt, { expect }) => {
      const outbox = await send(admin, {
        kind: "new",
        channelId,
        from: "support@contoso.com",
        to: [{ address: DANA }],
        subject: `Crash [${crashAt}]`,
        html: `<p>Killed ${crashAt}</p>`,
      });
      const crash = await waitFor(() => crashOf(outbox.id), {
        what: `a worker killed at ${crashAt}`,
        timeoutMs: 180_000,
        intervalMs: 100,
      });
      expect(crash.point).toBe(crashAt);
      expect(await waitFor(() => exits.get(crash.pid), { what: `worker ${crash.pid} to exit` })).toBe(
        "SIGKILL",
      );
      // Killed before recording: the row was still at the step before; after: at the step.
      const [when, state] = crashAt.split(":") as [string, string];
      if (when === "after") expect(crash.stateInDatabase).toBe(state);
      else expect(crash.stateInDatabase).not.toBe(state);

      const row = await waitForOutbox(db, outbox.id, ["matched"], 240_000);
      const delivered = await waitFor(async () => withOutboxHeader(emulator, DANA, outbox.id, "inbox"), {
        what: "the delivery",
        timeoutMs: 60_000,
      });
      expect(delivered).toHaveLength(1);
      expect(await withOutboxHeader(emulator, DANA, outbox.id)).toHaveLength(1);
      expect(await withOutboxHeader(emulator, "support@contoso.com", outbox.id, "drafts")).toEqual([]);
      expect(await withOutboxHeader(emulator, "support@contoso.com", outbox.id, "sentitems")).toHaveLength(1);
      expect(row.steps.filter((s) => s.state === "draft_created")).toHaveLength(1);
    },
  );
});
