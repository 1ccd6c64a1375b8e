import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Emulator } from "../../emulator/src/index.ts";
import type { Db } from "../src/db/client.ts";
import { findOutbox } from "../src/outbox/outbox-store.ts";
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
 * point, the customer receives the message once, and no draft is left behind. Worker processes
 * share one database, so this runs on Postgres only
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

describe.runIf(inject("dbTemplate").kind === "postgres")("a send whose worker is killed", () => {
  let emulator: Emulator;
  let server: TestServer;
  let admin: TestClient;
  let channelId: string;
  let db: Db;
  let workerEnv: Record<string, string>;
  const children: ChildProcess[] = [];

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
    };
    admin = await signUp(server, "owner@crash.test");
    await createOrg(admin, "Crash");
    const { page } = await connectThroughMicrosoft(admin, emulator);
    channelId = (await followCallback(admin, page)).split("/")[3]!;
    await setChannel(admin, channelId, { undoSendSeconds: 0 });
  }, 180_000);

  afterAll(async () => {
    await Promise.all(children.map(stop));
    await server?.close();
    await emulator?.close();
  });

  function worker(crashAt?: string): ChildProcess {
    const child = spawn(process.execPath, ["--import", "tsx", "test/outbox-crash-worker.ts"], {
      cwd: serverDir,
      env: { ...process.env, ...workerEnv, ...(crashAt ? { CRASH_AT: crashAt } : {}) },
      stdio: ["ignore", "ignore", "inherit"],
    });
    children.push(child);
    return child;
  }

  function exited(child: ChildProcess) {
    return new Promise<NodeJS.Signals | number | null>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve(child.signalCode ?? child.exitCode);
      else child.once("exit", (code, signal) => resolve(signal ?? code));
    });
  }

  async function stop(child: ChildProcess) {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited(child);
  }

  it.each(CRASH_POINTS)(
    "delivers exactly one message when killed at %s",
    { timeout: 240_000 },
    async (crashAt) => {
      const crashing = worker(crashAt);
      const outbox = await send(admin, {
        kind: "new",
        channelId,
        from: "support@contoso.com",
        to: [{ address: DANA }],
        subject: `Crash ${crashAt}`,
        html: `<p>Killed ${crashAt}</p>`,
      });
      expect(await exited(crashing)).toBe("SIGKILL");
      const [, state] = crashAt.split(":") as [string, string];
      const atCrash = await findOutbox(db, outbox.id);
      // Killed before recording: the row is still at the step before; after: at the step.
      if (crashAt.startsWith("after:")) expect(atCrash?.state).toBe(state);
      else expect(atCrash?.state).not.toBe(state);

      const survivor = worker();
      try {
        const row = await waitForOutbox(db, outbox.id, ["matched"], 180_000);
        const delivered = await waitFor(async () => withOutboxHeader(emulator, DANA, outbox.id, "inbox"), {
          what: "the delivery",
          timeoutMs: 60_000,
        });
        // Wait a little past the match for a second copy that should never come.
        await waitForOutbox(db, outbox.id, ["matched"]);
        expect(delivered).toHaveLength(1);
        expect(await withOutboxHeader(emulator, DANA, outbox.id)).toHaveLength(1);
        expect(await withOutboxHeader(emulator, "support@contoso.com", outbox.id, "drafts")).toEqual([]);
        expect(await withOutboxHeader(emulator, "support@contoso.com", outbox.id, "sentitems")).toHaveLength(
          1,
        );
        expect(row.steps.filter((s) => s.state === "draft_created")).toHaveLength(1);
      } finally {
        await stop(survivor);
      }
    },
  );
});
