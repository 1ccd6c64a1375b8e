import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { Emulator } from "../../emulator/src/index.ts";
import { deliverMessage } from "../../emulator/src/store/messages.ts";
import { emulatorFetch, jsonInit } from "../../emulator/src/testing/emulator-fetch.ts";
import { holdRequest } from "../../emulator/src/testing/hold-request.ts";
import type { LiveEvent } from "../src/events/bus.ts";
import { createLogger } from "../src/log.ts";
import { messages, syncCursors } from "../src/mail/schema.ts";
import { type Mailroom, startMailroom } from "../src/start.ts";
import { readBackfillCursors } from "../src/sync/backfill/backfill-store.ts";
import { backfills } from "../src/sync/backfill/schema.ts";
import { join } from "./accounts-helpers.ts";
import { startTestEmulator } from "./emulator.ts";
import type { TestClient, TestServer } from "./harness.ts";
import { startConnectedMailbox } from "./outlook-helpers.ts";
import { waitFor } from "./wait-for.ts";

/**
 * "Sync older mail" against the emulator: the exact window, newest first, no duplicates, live
 * progress, one backfill per channel, admins only, and a resume after the server stops mid-way
 * while real-time mail keeps arriving.
 */
let emulator: Emulator;
let server: TestServer;
let admin: TestClient;
let member: TestClient;
let channelId: string;
let orgId: string;
const DAY = 86_400_000;
const events: LiveEvent[] = [];

const emulatorMessages = z.object({
  value: z.array(z.object({ id: z.string(), receivedDateTime: z.string() })),
});
const backfillBody = z.object({
  backfill: z.object({
    id: z.string(),
    status: z.string(),
    days: z.number(),
    synced: z.number(),
    total: z.number().nullable(),
    windowStart: z.string(),
    windowEnd: z.string(),
  }),
});

function daysAgo(days: number) {
  return new Date(Date.now() - days * DAY).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Mail arriving now, through the control API (as an outside sender's would). */
async function deliver(subject: string) {
  const res = await emulatorFetch(
    emulator,
    "/_emulator/mailboxes/support@contoso.com/inbound",
    jsonInit("POST", {
      from: { name: "Dana Customer", address: "dana@example.net" },
      text: `Body of ${subject}`,
      subject,
    }),
  );
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

/**
 * `count` messages spread evenly over `fromDay`..`toDay` days ago, put straight into the in-process
 * emulator's mailbox (the control API's inbound route does the same, one HTTP request each: too
 * slow for 1,100 of them).
 */
function seed(folder: "inbox" | "sentitems", count: number, fromDay: number, toDay: number) {
  const mailbox = emulator.store.mailbox("support@contoso.com")!;
  for (let i = 0; i < count; i++) {
    const age = fromDay + ((toDay - fromDay) * (i + 0.5)) / count;
    deliverMessage(emulator.store, mailbox, folder, {
      subject: `${folder} ${age.toFixed(3)} days old`,
      body: { contentType: "text", content: "Older mail" },
      from: { emailAddress: { name: "Dana Customer", address: "dana@example.net" } },
      receivedDateTime: daysAgo(age),
    });
  }
}

/** What the emulator's mailbox holds in the followed folders received since `since`. */
async function mailboxSince(since: Date) {
  const all = [];
  for (const folder of ["inbox", "sentitems"]) {
    const res = await emulatorFetch(
      emulator,
      `/_emulator/mailboxes/support@contoso.com/messages?folder=${folder}`,
    );
    all.push(...emulatorMessages.parse(await res.json()).value);
  }
  return all.filter((m) => Date.parse(m.receivedDateTime) >= since.getTime()).map((m) => m.id);
}

async function storedIds() {
  const rows = await server.database.db
    .select({ graphId: messages.graphId })
    .from(messages)
    .where(eq(messages.channelId, channelId));
  return rows.map((r) => r.graphId);
}

async function backfillRow(id: string) {
  const [row] = await server.database.db.select().from(backfills).where(eq(backfills.id, id));
  return { ...row!, cursors: await readBackfillCursors(server.database.db, id) };
}

function progressOf(id: string) {
  return events
    .filter((e) => e.type === "sync.progress")
    .map((e) => e.data as { backfillId?: string; synced: number; total: number | null; status: string })
    .filter((d) => d.backfillId === id);
}

/** Asks for a backfill of the last `days` days as the admin: a new one is accepted (202). */
async function startBackfill(days: number) {
  const res = await admin.post(`/api/channels/${channelId}/backfill`, { days });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return backfillBody.parse(res.body).backfill;
}

/** The backfill's row once it is no longer running. */
function finished(id: string, what = "the backfill to finish", timeoutMs = 60_000) {
  return waitFor(
    async () => {
      const row = await backfillRow(id);
      return row.status !== "running" ? row : undefined;
    },
    { timeoutMs, what },
  );
}

beforeAll(async () => {
  emulator = await startTestEmulator();
  // Before connecting, so no notification fires: 1,100 inbox messages 8–29 days old (two pages of
  // 1,000), recent mail the live sync takes, older mail outside a 30-day window, and Sent Items.
  seed("inbox", 1100, 8, 29);
  seed("inbox", 10, 0.1, 6);
  seed("inbox", 20, 31, 60);
  seed("sentitems", 15, 8, 29);
  seed("sentitems", 5, 31, 60);

  ({ server, admin, orgId, channelId } = await startConnectedMailbox({
    emulator,
    env: { BACKFILL_DAYS: "7" },
    beforeConnect: async (owner, started) => {
      member = await join(started, owner, "member@acme.test", "member");
    },
  }));
  server.mailroom.events.subscribe(orgId, (e) => events.push(e));
  // The live sync's initial round (the last 7 days) is done for both folders.
  await waitFor(
    async () => {
      const cursors = await server.database.db
        .select()
        .from(syncCursors)
        .where(and(eq(syncCursors.channelId, channelId), sql`${syncCursors.deltaLink} is not null`));
      return cursors.length === 2;
    },
    { timeoutMs: 60_000, what: "the initial sync" },
  );
}, 120_000);

afterAll(async () => {
  await server?.close();
  await emulator?.close();
});

describe("sync older mail", () => {
  it("refuses members and odd choices", async () => {
    const denied = await member.post(`/api/channels/${channelId}/backfill`, { days: 30 });
    expect(denied.status).toBe(403);
    const listed = await member.get<{ latest: unknown }>(`/api/channels/${channelId}/backfills`);
    expect(listed.status).toBe(200);
    expect(listed.body.latest).toBeNull();
    const odd = await admin.post(`/api/channels/${channelId}/backfill`, { days: 12 });
    expect(odd.status).toBe(400);
  });

  it("stores exactly the last 30 days, newest page first, without duplicates, with live progress", async () => {
    const backfill = await startBackfill(30);
    expect(backfill.status).toBe("running");
    expect(Date.parse(backfill.windowEnd) - Date.parse(backfill.windowStart)).toBe(30 * DAY);

    const done = await finished(backfill.id);
    expect(done.status).toBe("done");

    const expected = await mailboxSince(new Date(backfill.windowStart));
    const stored = await storedIds();
    expect(new Set(stored).size).toBe(stored.length);
    expect(stored.sort()).toEqual(expected.sort());
    // 1,115 messages 8–29 days old, 10 recent ones, none older than the window.
    expect(done.total).toBe(expected.length);
    expect(done.synced).toBe(done.total);

    // Newest first: each page is one transaction, so a page's rows share created_at; the rows of
    // an earlier page were all received after those of a later one.
    const pages = await server.database.db
      .select({
        createdAt: messages.createdAt,
        newest: sql<string>`max(${messages.receivedAt})`,
        oldest: sql<string>`min(${messages.receivedAt})`,
      })
      .from(messages)
      .where(
        and(
          eq(messages.channelId, channelId),
          eq(messages.folder, "inbox"),
          sql`${messages.receivedAt} < ${new Date(Date.parse(backfill.windowEnd) - 7 * DAY)}`,
        ),
      )
      .groupBy(messages.createdAt)
      .orderBy(messages.createdAt);
    expect(pages.length).toBe(2);
    expect(Date.parse(pages[0]!.oldest)).toBeGreaterThanOrEqual(Date.parse(pages[1]!.newest));

    const progress = progressOf(backfill.id);
    expect(progress.at(-1)).toMatchObject({ status: "done", synced: done.total, total: done.total });
    for (let i = 1; i < progress.length; i++) {
      expect(progress[i]!.synced).toBeGreaterThanOrEqual(progress[i - 1]!.synced);
      expect(progress[i]!.total ?? 0).toBeGreaterThanOrEqual(progress[i - 1]!.total ?? 0);
    }
    expect(events.some((e) => e.type === "conversations.updated")).toBe(true);

    const listed = await member.get<{ latest: { id: string; status: string }; history: unknown[] }>(
      `/api/channels/${channelId}/backfills`,
    );
    expect(listed.body.latest).toMatchObject({ id: backfill.id, status: "done" });
    expect(JSON.stringify(listed.body)).not.toMatch(/skip|https:|nextLink|cursor/i);
  });

  it("cancels a running backfill: it stops where it was and another may start", async () => {
    const sentItems = await holdRequest(emulator, "/v1.0/me/mailFolders/sentitems/messages");
    const backfill = await startBackfill(7);
    await waitFor(async () => (await backfillRow(backfill.id)).cursors.inbox?.done, {
      what: "the inbox part",
    });
    expect((await member.post(`/api/channels/${channelId}/backfills/${backfill.id}/cancel`)).status).toBe(
      403,
    );
    const cancelled = await admin.post(`/api/channels/${channelId}/backfills/${backfill.id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(backfillBody.parse(cancelled.body).backfill.status).toBe("cancelled");
    const atCancel = await backfillRow(backfill.id);
    await sentItems.release(); // its page comes to a backfill that is no longer running
    await waitFor(() => progressOf(backfill.id).some((p) => p.status === "cancelled"), {
      what: "the cancelled event",
    });
    expect((await admin.post(`/api/channels/${channelId}/backfills/${backfill.id}/cancel`)).status).toBe(409);

    const second = await startBackfill(7);
    expect(second.id).not.toBe(backfill.id);
    expect(await finished(second.id, "the next backfill", 30_000)).toMatchObject({ status: "done" });
    const after = await backfillRow(backfill.id);
    expect(after.status).toBe("cancelled");
    expect(after.synced).toBe(atCancel.synced);
  });

  it("stores pages as they come: a slow Inbox page holds up neither Sent Items nor the total", async () => {
    // The Inbox's first list page at once, its second held until released.
    const secondPage = await holdRequest(emulator, "/v1.0/me/mailFolders/inbox/messages", { pass: 1 });
    const backfill = await startBackfill(30);

    let held: Awaited<ReturnType<typeof backfillRow>>;
    try {
      // The total comes from its own count requests, which a busy machine may answer last.
      held = await waitFor(
        async () => {
          const row = await backfillRow(backfill.id);
          return row.cursors.sentitems?.done && row.cursors.inbox?.synced && row.total !== null
            ? row
            : undefined;
        },
        { timeoutMs: 60_000, what: "Sent Items, the Inbox's first page and the total" },
      );
      expect(held.status).toBe("running");
      expect(held.cursors.inbox).toMatchObject({ done: false, synced: 1000 });
      expect(held.total).toBeGreaterThan(1100);
      await waitFor(
        () => progressOf(backfill.id).some((p) => p.synced === held.synced && p.total === held.total),
        {
          what: "the progress event with the total",
        },
      );
    } finally {
      // Never left hanging: the tests after this one start backfills of their own.
      await secondPage.release();
    }
    const done = await finished(backfill.id, "the backfill to finish", 30_000);
    expect(done).toMatchObject({ status: "done", total: held.total, synced: held.total });
  });

  it("resumes after the server stops mid-way, one at a time, while real-time mail keeps flowing", async () => {
    // Sent Items' first list request hangs: the Inbox pages get stored, then the job waits on it.
    const fault = await emulatorFetch(
      emulator,
      "/_emulator/faults/latency",
      jsonInit("POST", { ms: 600_000, count: 1, path: "/v1.0/me/mailFolders/sentitems/messages" }),
    );
    expect(fault.status).toBe(201);
    const backfill = await startBackfill(90);

    const midway = await waitFor(
      async () => {
        const row = await backfillRow(backfill.id);
        return row.cursors.inbox?.done ? row : undefined;
      },
      { timeoutMs: 60_000, what: "the inbox part of the backfill" },
    );
    expect(midway.status).toBe("running");
    expect(midway.cursors.sentitems?.done ?? false).toBe(false);

    // One per channel: the same request again is the running one; another is a conflict.
    const again = await admin.post(`/api/channels/${channelId}/backfill`, { days: 90 });
    expect(again.status).toBe(200);
    expect(backfillBody.parse(again.body).backfill.id).toBe(backfill.id);
    const other = await admin.post<{ detail?: string }>(`/api/channels/${channelId}/backfill`, { days: 30 });
    expect(other.status).toBe(409);
    expect(JSON.stringify(other.body)).toMatch(/already being synced/);

    // Real-time mail is not held up by the backfill.
    const fresh = await deliver("Arrived during the backfill");
    await waitFor(async () => (await storedIds()).includes(fresh), {
      timeoutMs: 60_000,
      what: "the real-time message",
    });

    // The server stops; a new one on the same database finishes the job.
    await server.mailroom.close();
    expect((await backfillRow(backfill.id)).status).toBe("running");
    const config = server.mailroom.config;
    const second: Mailroom = await startMailroom(config, {
      database: server.database,
      logger: createLogger(config),
    });
    try {
      second.events.subscribe(orgId, (e) => events.push(e));
      const done = await finished(backfill.id, "the resumed backfill");
      expect(done.status).toBe("done");
      const expected = await mailboxSince(new Date(backfill.windowStart));
      const stored = await storedIds();
      expect(new Set(stored).size).toBe(stored.length);
      expect(stored.sort()).toEqual(expected.sort());
      expect(done.synced).toBe(done.total);
      expect(progressOf(backfill.id).at(-1)).toMatchObject({ status: "done" });
    } finally {
      await second.close();
    }
  });
});
