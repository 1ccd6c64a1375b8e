import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { Emulator } from "../../emulator/src/index.ts";
import { emulatorFetch, jsonInit } from "../../emulator/src/testing/emulator-fetch.ts";
import type { Database } from "../src/db/client.ts";
import { UNKNOWN_SUBSCRIPTION_MEMORY_MS } from "../src/sync/subscriptions/subscription-store.ts";
import { PASSWORD } from "./accounts-helpers.ts";
import { AppProcess } from "./chaos/app-process.ts";
import {
  type ConnectedMailbox,
  deltaCaughtUp,
  describeDiffs,
  diffFacts,
  doubledRows,
  emulatorFacts,
  settledComparison,
  storeFacts,
} from "./chaos/compare.ts";
import { startTestEmulator } from "./emulator.ts";
import { createTestDatabase, freePort, TEST_SECRET_KEY, TestClient, type TestDatabase } from "./harness.ts";
import { connectThroughMicrosoft, followCallback, registerApp } from "./outlook-helpers.ts";
import { waitFor } from "./wait-for.ts";

/**
 * Mail that arrives while Mailroom is down (killed mid-burst, restarted) is synced at start, not
 * at the next safety sweep (15 minutes here, the default) and without anyone pressing "Check now".
 * Graph retries failed notifications on its own schedule (up to 4 hours); here its first retry is
 * an hour away, so nothing but Mailroom's own catch-up can bring the mail in. One mailbox takes a
 * burst that the kill interrupts (a sync may be running: its lease dies with the process); the
 * other is idle when the process dies and only gets mail while it is down.
 */
const BUSY = "support@contoso.com";
const IDLE = "alex@contoso.com";
const BURST = 30;
/** The burst message after which the app is killed. */
const KILL_AFTER = 12;
const WHILE_DOWN_TO_IDLE = 10;

let emulator: Emulator;
let testDb: TestDatabase;
let app: AppProcess;
let logFile: string;
const mailboxes: ConnectedMailbox[] = [];

beforeAll(async () => {
  emulator = await startTestEmulator();
  testDb = await createTestDatabase();
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const platform = await registerApp(emulator, {
    redirectUris: [`${publicUrl}/api/outlook/oauth2/callback`],
  });
  const settings = await emulatorFetch(
    emulator,
    "/_emulator/notifications/settings",
    jsonInit("PATCH", { retryBaseDelayMs: 3_600_000 }),
  );
  expect(settings.status).toBe(200);
  logFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "mailroom-catch-up-")), "app.log");
  app = new AppProcess({
    port,
    logFile,
    env: {
      NODE_ENV: "test",
      PORT: String(port),
      HOST: "127.0.0.1",
      PUBLIC_URL: publicUrl,
      LOG_LEVEL: "info",
      SHUTDOWN_GRACE_SECONDS: "5",
      MAILROOM_SECRET_KEY: TEST_SECRET_KEY,
      MICROSOFT_LOGIN_URL: emulator.url,
      MICROSOFT_GRAPH_URL: emulator.url,
      MICROSOFT_CLIENT_ID: platform.clientId,
      MICROSOFT_CLIENT_SECRET: platform.secret,
      WEBHOOKS: "on",
      // The default: only the catch-up at start can explain mail arriving within minutes.
      SYNC_SWEEP_MINUTES: "15",
      ...testDb.env,
    },
  });
  await app.start();

  const admin = new TestClient(app.url);
  const signUp = await admin.post("/api/auth/sign-up/email", {
    name: "Catch-up Owner",
    email: "owner@catch-up.test",
    password: PASSWORD,
  });
  expect(signUp.status, JSON.stringify(signUp.body)).toBe(200);
  expect((await admin.post("/api/orgs", { name: "Catch-up" })).status).toBe(201);
  for (const upn of [BUSY, IDLE]) {
    const { page } = await connectThroughMicrosoft(admin, emulator, {
      account: { login: upn, password: "Passw0rd!" },
    });
    const channelId = (await followCallback(admin, page)).split("/")[3]!;
    const mailbox = emulator.store.mailbox(upn);
    if (!mailbox) throw new Error(`no emulator mailbox ${upn}`);
    mailboxes.push({ mailboxId: mailbox.id, upn, channelId });
  }
  // Both channels subscribed (Inbox and Sent Items each), so new mail is notified, and at rest: the
  // sync that follows a new subscription (UNKNOWN_SUBSCRIPTION_MEMORY_MS later) has run, so no job
  // queued before the kill is left to sync the idle channel after the restart.
  await waitFor(() => mailboxes.every((m) => subscriptionsOf(m.mailboxId).length === 2), {
    timeoutMs: 120_000,
    intervalMs: 100,
    what: "both channels subscribed",
  });
  for (const mailbox of mailboxes) {
    const since = Math.max(...subscriptionsOf(mailbox.mailboxId).map((s) => s.createdAt));
    await waitFor(
      () => deltaCaughtUp(emulator, [mailbox.mailboxId], since + UNKNOWN_SUBSCRIPTION_MEMORY_MS).caughtUp,
      { timeoutMs: 120_000, intervalMs: 100, what: `${mailbox.upn}'s sync after subscribing` },
    );
  }
}, 300_000);

afterAll(async () => {
  await app?.kill();
  await postgres?.close();
  await testDb?.drop();
  await emulator?.close();
});

describe("catch-up after a restart", () => {
  it("stores mail that arrived while the app was down exactly once, without Check now or the sweep", {
    timeout: 600_000,
  }, async () => {
    const [busy, idle] = mailboxes as [ConnectedMailbox, ConnectedMailbox];
    for (let n = 1; n <= BURST; n++) {
      await inbound(busy, `Burst ${n}`);
      if (n === KILL_AFTER) await app.kill();
    }
    for (let n = 1; n <= WHILE_DOWN_TO_IDLE; n++) await inbound(idle, `While down ${n}`);
    // Every notification not delivered before the kill has failed and waits for its retry: none
    // can reach the restarted app.
    const down = await waitFor(
      async () => {
        const totals = await notificationTotals();
        return totals.failed >= WHILE_DOWN_TO_IDLE && totals.pending === totals.retried ? totals : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 100, what: "the emulator's notifications to the dead app to fail" },
    );

    const restartedAt = Date.now();
    await app.start();
    await waitFor(() => deltaCaughtUp(emulator, [busy.mailboxId, idle.mailboxId]).caughtUp, {
      timeoutMs: 240_000,
      intervalMs: 250,
      what: "Mailroom's delta rounds to cover the mail sent while it was down",
    }).catch((err: unknown) => {
      throw new Error(`${String(err)}\napp log tail (${logFile}):\n${app.logTail(40)}`);
    });
    console.log(
      `catch-up: every mailbox read ${Date.now() - restartedAt} ms after the app was started again`,
    );
    // Nothing was redelivered meanwhile: Graph's retries of what failed are an hour away.
    expect((await notificationTotals()).delivered).toBe(down.delivered);

    // PGlite: compareStore stops the app gracefully first, so the last page is committed.
    const verdict =
      testDb.env.DATABASE_URL === undefined
        ? await compareStore()
        : await settledComparison(compareStore, (v) => v.report === "", 30_000);
    expect(verdict.doubled).toEqual([]);
    expect(verdict.report).toBe("");
    expect(verdict.stored).toBe(verdict.expected);
  });
});

function subscriptionsOf(mailboxId: string) {
  return [...emulator.store.state.subscriptions.values()].filter((s) => s.mailboxId === mailboxId);
}

async function inbound(mailbox: ConnectedMailbox, subject: string) {
  const res = await emulatorFetch(
    emulator,
    `/_emulator/mailboxes/${mailbox.mailboxId}/inbound`,
    jsonInit("POST", { from: { name: "Dana Customer", address: "dana@example.net" }, subject, text: "Hi" }),
  );
  expect(res.status).toBe(201);
}

const Totals = z.object({
  totals: z.object({ delivered: z.number(), failed: z.number(), retried: z.number(), pending: z.number() }),
});

async function notificationTotals() {
  const res = await emulatorFetch(emulator, "/_emulator/notifications");
  return Totals.parse(await res.json()).totals;
}

/** Postgres: read live. PGlite allows one process: the app stops gracefully first. */
let postgres: Database | undefined;

async function compareStore() {
  const onPostgres = testDb.env.DATABASE_URL !== undefined;
  if (!onPostgres) await app.stop();
  if (onPostgres) postgres ??= await testDb.open();
  const database = postgres ?? (await testDb.open());
  try {
    const diffs = [];
    let expected = 0;
    let stored = 0;
    for (const mailbox of mailboxes) {
      const want = await emulatorFacts(emulator, mailbox.mailboxId);
      const have = await storeFacts(database.db, mailbox.channelId);
      expected += want.length;
      stored += have.length;
      diffs.push({ mailbox, diff: diffFacts(want, have) });
    }
    return { report: describeDiffs(diffs), doubled: await doubledRows(database.db), expected, stored };
  } finally {
    if (!onPostgres) await database.close();
  }
}
