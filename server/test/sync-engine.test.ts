import { and, eq, isNull, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import type { Emulator } from "../../emulator/src/index.ts";
import { emulatorFetch, jsonInit } from "../../emulator/src/testing/emulator-fetch.ts";
import { holdRequest } from "../../emulator/src/testing/hold-request.ts";
import { channelGraphClient } from "../src/channels/channel-graph.ts";
import {
  acquireGraphSlots,
  graphSlots,
  SLOT_LEASE_SECONDS,
  SLOTS_PER_MAILBOX,
} from "../src/channels/graph-slots.ts";
import { channels, graphRequestSlots } from "../src/channels/schema.ts";
import type { LiveEvent } from "../src/events/bus.ts";
import { FOLLOWED_FOLDERS } from "../src/mail/folders.ts";
import { conversations, messages, syncCursors } from "../src/mail/schema.ts";
import { storeDeltaPage } from "../src/mail/store-page.ts";
import { fetchDeltaPage } from "../src/microsoft/delta.ts";
import type { GraphClient } from "../src/microsoft/graph-client.ts";
import { syncLeases } from "../src/sync/delta/schema.ts";
import { runSyncPoll, runSyncSweep } from "../src/sync/delta/sweep.ts";
import { type SyncRequest, type SyncResult, syncChannel } from "../src/sync/delta/sync-channel.ts";
import { runSyncChannelJob, type SyncJobDeps } from "../src/sync/delta/sync-jobs.ts";
import { startInitialRound } from "../src/sync/delta/sync-round.ts";
import { syncErrors } from "../src/sync/state/schema.ts";
import { markPollingMode, markWebhookMode, readSyncState } from "../src/sync/state/sync-state.ts";
import { subscriptions } from "../src/sync/subscriptions/schema.ts";
import type { TestClient, TestServer } from "./harness.ts";
import { cancelWaitingSweeps, startConnectedMailbox, syncAtRest } from "./outlook-helpers.ts";
import { listenToEvents } from "./sse.ts";
import { waitFor } from "./wait-for.ts";

const MAILBOX = "support@contoso.com";

let emulator: Emulator;
let server: TestServer;
let admin: TestClient;
let deps: SyncJobDeps;
let channelId: string;
let orgId: string;
let graph: GraphClient;
const busEvents: LiveEvent[] = [];

beforeAll(async () => {
  ({ emulator, server, admin, channelId } = await startConnectedMailbox());
  const { mailroom } = server;
  deps = {
    config: mailroom.config,
    db: server.database.db,
    box: mailroom.secretBox,
    events: mailroom.events,
    queue: () => mailroom.queue,
  };
  const [row] = await deps.db.select().from(channels).where(eq(channels.id, channelId));
  orgId = row!.orgId;
  graph = channelGraphClient(deps, row!);
  mailroom.events.subscribe(orgId, (e) => busEvents.push(e));
  // Connecting may already subscribe; the upkeep job leaves one subscription per folder either way.
  await mailroom.queue.send("subscription-upkeep", { action: "subscribe", channelId });
  await waitFor(async () => (await subscribed()) === 2, {
    what: "both folders subscribed",
    timeoutMs: 60_000,
  });
  await quiet();
  await syncOnce();
});

afterAll(async () => {
  await server?.close();
  await emulator?.close();
});

beforeEach(async () => {
  await emulatorFetch(emulator, "/_emulator/faults/clear", jsonInit("POST", {}));
  await emulatorFetch(emulator, "/_emulator/notifications/faults", { method: "DELETE" });
});

async function subscribed(): Promise<number> {
  const rows = await deps.db.select().from(subscriptions).where(eq(subscriptions.channelId, channelId));
  return rows.length;
}

/** No sync job waiting or running for anyone, and the channel's lease free: the store is at rest. */
async function quiet(timeoutMs = 90_000) {
  await syncAtRest(deps.db, channelId, timeoutMs);
}

/** No lease on the channel: nobody is syncing it right now. */
async function leaseFree() {
  const leases = await deps.db.select().from(syncLeases).where(eq(syncLeases.channelId, channelId));
  return leases.length === 0;
}

/**
 * One completed run, waiting out a background run that holds the lease (a busy attempt leaves
 * a rerun note, so this waits for the lease to be free instead of asking over and over).
 */
async function syncOnce(
  request: SyncRequest = {},
  workerId?: string,
): Promise<Extract<SyncResult, { skipped: false }>> {
  for (;;) {
    await waitFor(leaseFree, { what: "the channel's lease to be free", timeoutMs: 60_000, intervalMs: 20 });
    const result = await syncChannel(workerId ? { ...deps, workerId } : deps, channelId, request);
    if (!result.skipped) return result;
  }
}

const mailboxMessages = z.object({
  value: z.array(z.object({ id: z.string(), conversationId: z.string() })),
});

async function atEmulator(folder: "inbox" | "sentitems") {
  const res = await emulatorFetch(emulator, `/_emulator/mailboxes/${MAILBOX}/messages?folder=${folder}`);
  return mailboxMessages.parse(await res.json()).value;
}

/** The live store equals the emulator's Inbox and Sent Items: nothing lost, nothing doubled. */
async function expectStoreMatchesMailbox() {
  const live = await deps.db
    .select({ graphId: messages.graphId, folder: messages.folder })
    .from(messages)
    .where(and(eq(messages.channelId, channelId), isNull(messages.removedAt)));
  for (const folder of ["inbox", "sentitems"] as const) {
    const ours = live.filter((m) => m.folder === folder).map((m) => m.graphId);
    expect(new Set(ours).size).toBe(ours.length);
    expect(ours.sort()).toEqual((await atEmulator(folder)).map((m) => m.id).sort());
  }
}

async function deliver(subject: string, extra: Record<string, unknown> = {}) {
  const res = await emulatorFetch(
    emulator,
    `/_emulator/mailboxes/${MAILBOX}/inbound`,
    jsonInit("POST", {
      from: { name: "Dana Customer", address: "dana@example.net" },
      subject,
      text: "Hi",
      ...extra,
    }),
  );
  expect(res.status).toBe(201);
  return z.object({ id: z.string(), conversationId: z.string() }).parse(await res.json());
}

async function evictDeltaState() {
  const res = await emulatorFetch(emulator, "/_emulator/delta/evict", jsonInit("POST", { mailbox: MAILBOX }));
  expect(res.status).toBeLessThan(300);
}

async function liveIds(folder: "inbox" | "sentitems") {
  const rows = await deps.db
    .select({ graphId: messages.graphId })
    .from(messages)
    .where(and(eq(messages.channelId, channelId), eq(messages.folder, folder), isNull(messages.removedAt)));
  return rows.map((r) => r.graphId).sort();
}

async function stored(graphId: string) {
  const [row] = await deps.db
    .select()
    .from(messages)
    .where(and(eq(messages.channelId, channelId), eq(messages.graphId, graphId)));
  return row;
}

async function dropNextNotifications(count: number) {
  const res = await emulatorFetch(
    emulator,
    "/_emulator/notifications/faults",
    jsonInit("POST", { kind: "drop", count }),
  );
  expect(res.status).toBe(201);
}

describe("the sync engine against the emulator", () => {
  it("finished the first sync newest first: every folder stored, state and progress recorded", async () => {
    await expectStoreMatchesMailbox();
    const state = await readSyncState(deps.db, channelId);
    expect(state?.initialSyncedAt).toBeInstanceOf(Date);
    expect(state?.lastDeltaAt).toBeInstanceOf(Date);
    const inWindow = (await atEmulator("inbox")).length + (await atEmulator("sentitems")).length;
    expect(state?.initialTotal).toBe(inWindow);
    const progress = busEvents.filter((e) => e.type === "sync.progress" && e.data.channelId === channelId);
    expect(progress.at(-1)?.data).toEqual({
      channelId,
      kind: "initial",
      synced: inWindow,
      total: inWindow,
      status: "done",
    });
  });

  it("stores inbound mail announced by a notification and pushes it to /api/events", async () => {
    const sse = await listenToEvents(admin);
    try {
      const mail = await deliver("Pushed and announced");
      const row = await waitFor(() => stored(mail.id), { what: "the pushed message", timeoutMs: 60_000 });
      expect(row.subject).toBe("Pushed and announced");
      await waitFor(
        () =>
          sse.events.some(
            (e) =>
              e.type === "conversations.updated" &&
              e.data.channelId === channelId &&
              (e.data.conversationIds as string[] | null)?.includes(row.conversationId),
          ),
        { what: "a conversations.updated event naming the conversation" },
      );
    } finally {
      sse.close();
    }
  });

  it("stores the attachment list that comes with each message (contents stay at Graph)", async () => {
    const mail = await deliver("With attachments", {
      attachments: [
        {
          name: "invoice.pdf",
          contentType: "application/pdf",
          contentBase64: Buffer.from("%PDF-1.4 test").toString("base64"),
        },
        {
          name: "logo.png",
          contentType: "image/png",
          contentBase64: Buffer.from("not really a png").toString("base64"),
          inline: true,
          contentId: "logo@acme",
        },
      ],
    });
    await quiet();
    await syncOnce();
    const row = await stored(mail.id);
    expect(row!.attachments).toEqual([
      expect.objectContaining({
        name: "invoice.pdf",
        contentType: "application/pdf",
        size: Buffer.byteLength("%PDF-1.4 test"),
        isInline: false,
        contentId: null,
      }),
      expect.objectContaining({ name: "logo.png", contentType: "image/png", isInline: true }),
    ]);
    expect(row!.attachments!.every((a) => typeof a.id === "string" && a.id.length > 0)).toBe(true);
  });

  it("records the notification time from the job, and still takes the old { channelId } job", async () => {
    await quiet();
    const notifiedAt = new Date(Date.now() - 5_000).toISOString();
    await waitFor(async () => {
      await runSyncChannelJob(deps, { channelId, reason: "notification", notifiedAt });
      return (await readSyncState(deps.db, channelId))?.lastNotificationAt?.toISOString() === notifiedAt;
    });
    const before = (await readSyncState(deps.db, channelId))!.lastDeltaAt!;
    await server.mailroom.queue.send("sync-channel", { channelId });
    await waitFor(async () => (await readSyncState(deps.db, channelId))!.lastDeltaAt! > before, {
      what: "an old-style job to complete a round",
    });
  });

  it("starts over without duplicates when Graph has evicted the delta state (410)", async () => {
    await quiet();
    // Its notification's job must be done before the eviction, or that job is the one that resets.
    const before = await deliver("Before the eviction");
    await waitFor(() => stored(before.id), { what: "the mail stored before the eviction" });
    await quiet();
    const evict = await emulatorFetch(
      emulator,
      "/_emulator/delta/evict",
      jsonInit("POST", { mailbox: MAILBOX }),
    );
    expect(evict.status).toBeLessThan(300);
    const result = await syncOnce();
    expect(result.folders.inbox.reset).toBe(true);
    expect(result.folders.sentitems.reset).toBe(true);
    await expectStoreMatchesMailbox();
    await syncOnce();
    await expectStoreMatchesMailbox();
  });

  it("marks mail deleted or moved out while the delta state was gone removed (reconcile after a reset)", async () => {
    await quiet();
    await dropNextNotifications(10); // the reset round is ours alone
    const kept = await deliver("Still in the Inbox after the eviction");
    const deleted = await deliver("Deleted while the delta state was gone");
    const archived = await deliver("Archived while the delta state was gone");
    await syncOnce();
    await evictDeltaState();
    await graph.send({ method: "DELETE", path: `/me/messages/${deleted.id}` });
    await graph.send({
      method: "POST",
      path: `/me/messages/${archived.id}/move`,
      body: { destinationId: "archive" },
    });
    const sentBefore = await liveIds("sentitems");
    const seen = busEvents.length;

    const result = await syncOnce();
    expect(result.folders.inbox.reset).toBe(true);
    expect(result.folders.inbox.removed).toBeGreaterThanOrEqual(2);
    expect((await stored(deleted.id))!.removedAt).toBeInstanceOf(Date);
    expect((await stored(archived.id))!.removedAt).toBeInstanceOf(Date);
    expect(await stored(kept.id)).toMatchObject({ folder: "inbox", removedAt: null });
    expect(await liveIds("sentitems")).toEqual(sentBefore);
    await expectStoreMatchesMailbox();

    // The emptied conversation was recomputed and the live inbox told about it.
    const thread = (await stored(deleted.id))!.conversationId;
    const [row] = await deps.db.select().from(conversations).where(eq(conversations.id, thread));
    expect(row!.messageCount).toBe(0);
    const told = busEvents
      .slice(seen)
      .filter((e) => e.type === "conversations.updated")
      .flatMap((e) => (e.data as { conversationIds: string[] | null }).conversationIds ?? []);
    expect(told).toContain(thread);
    // The round is over: nothing left to reconcile, and the next round changes nothing.
    const cursors = await deps.db.select().from(syncCursors).where(eq(syncCursors.channelId, channelId));
    expect(cursors.map((c) => c.roundStartedAt)).toEqual([null, null]);
    const next = await syncOnce();
    expect(next.removed).toBe(0);
    await expectStoreMatchesMailbox();
  });

  it("reconciles a reset round that another run resumed from its stored next page after a crash", async () => {
    await quiet();
    await dropNextNotifications(10);
    const gone = await deliver("Deleted before the interrupted round");
    await syncOnce();
    await evictDeltaState();
    await graph.send({ method: "DELETE", path: `/me/messages/${gone.id}` });

    // A worker starts the Inbox's fresh round, commits its first (small) page and dies.
    const inbox = { orgId, channelId, folder: "inbox" as const };
    const first = await fetchDeltaPage(graph, await startInitialRound(deps, inbox), 2);
    expect(first.next).toBeDefined();
    await storeDeltaPage(deps.db, inbox, first, { backfillDays: deps.config.sync.backfillDays });
    const [crashed] = await deps.db
      .select()
      .from(syncCursors)
      .where(and(eq(syncCursors.channelId, channelId), eq(syncCursors.folder, "inbox")));
    expect(crashed!.nextLink).toBeTruthy();
    expect(crashed!.roundStartedAt).toBeInstanceOf(Date);

    const result = await syncOnce();
    expect(result.folders.inbox.reset).toBe(false); // resumed, not restarted
    expect((await stored(gone.id))!.removedAt).toBeInstanceOf(Date);
    // What the dead worker stored belongs to the same round: still live.
    for (const m of first.messages) expect(await stored(m.id)).toMatchObject({ removedAt: null });
    await expectStoreMatchesMailbox();
    const [done] = await deps.db
      .select()
      .from(syncCursors)
      .where(and(eq(syncCursors.channelId, channelId), eq(syncCursors.folder, "inbox")));
    expect(done).toMatchObject({ nextLink: null, roundStartedAt: null });
    expect(done!.deltaLink).toBeTruthy();
  });

  it("rides out a 429 storm: Retry-After honoured, the sync completes, nothing doubled", async () => {
    await quiet();
    await dropNextNotifications(10); // the storm's job is ours alone
    const mails = [await deliver("Storm 1"), await deliver("Storm 2"), await deliver("Storm 3")];
    const res = await emulatorFetch(
      emulator,
      "/_emulator/faults/burst",
      jsonInit("POST", {
        status: 429,
        count: 9,
        retryAfterSeconds: 1,
        pathPrefix: "/v1.0/me/mailFolders",
        mailbox: MAILBOX,
      }),
    );
    expect(res.status).toBe(201);
    const rule = z.object({ id: z.string() }).parse(await res.json());
    await server.mailroom.queue.send(
      "sync-channel",
      { channelId, reason: "manual" },
      { singletonKey: channelId },
    );
    for (const mail of mails)
      await waitFor(() => stored(mail.id), { what: "storm mail stored", timeoutMs: 60_000 });
    await quiet(60_000);
    await expectStoreMatchesMailbox();

    const faults = z
      .object({
        faults: z.array(
          z.object({ id: z.string(), remaining: z.number().nullable(), firedAt: z.array(z.number()) }),
        ),
      })
      .parse(await (await emulatorFetch(emulator, "/_emulator/faults")).json());
    const storm = faults.faults.find((f) => f.id === rule.id)!;
    expect(storm.remaining).toBe(0);
    // Hits of one batch share a moment — spread over a few hundred ms on a busy machine, so hits
    // under half the Retry-After apart count as one — and between moments the client waited at
    // least Retry-After. A client that ignored it would retry at once and collapse the hits into
    // fewer moments than one per folder-wide request.
    const moments = storm.firedAt.filter((t, i, all) => i === 0 || t - all[i - 1]! > 500);
    expect(moments.length).toBeGreaterThanOrEqual(Math.ceil(storm.firedAt.length / FOLLOWED_FOLDERS.length));
    for (let i = 1; i < moments.length; i++)
      expect(moments[i]! - moments[i - 1]!).toBeGreaterThanOrEqual(950);
    // The in-line retries ran out at least once: the job recorded it and came back after Retry-After.
    const throttled = await deps.db
      .select()
      .from(syncErrors)
      .where(and(eq(syncErrors.channelId, channelId), eq(syncErrors.kind, "throttled")));
    expect(throttled.length).toBeGreaterThan(0);
  });

  it("applies moves and deletes: Inbox → Archive removed, Inbox ↔ Sent Items kept, deleted removed", async () => {
    await quiet();
    const archived = await deliver("Archive me");
    const toSent = await deliver("Move me to Sent Items");
    const deleted = await deliver("Delete me");
    await syncOnce();
    const move = (id: string, destinationId: string) =>
      graph.send({ method: "POST", path: `/me/messages/${id}/move`, body: { destinationId } });
    await move(archived.id, "archive");
    await move(toSent.id, "sentitems");
    await graph.send({ method: "DELETE", path: `/me/messages/${deleted.id}` });
    await syncOnce();
    expect((await stored(archived.id))!.removedAt).toBeInstanceOf(Date);
    expect((await stored(deleted.id))!.removedAt).toBeInstanceOf(Date);
    expect(await stored(toSent.id)).toMatchObject({ folder: "sentitems", removedAt: null });
    await expectStoreMatchesMailbox();

    await move(toSent.id, "inbox");
    await syncOnce();
    expect(await stored(toSent.id)).toMatchObject({ folder: "inbox", removedAt: null });
    await expectStoreMatchesMailbox();
  });

  it("shows a reply sent from Outlook itself in the same conversation", async () => {
    await quiet();
    const question = await deliver("A question for support");
    await syncOnce();
    await graph.send({
      method: "POST",
      path: `/me/messages/${question.id}/reply`,
      body: { comment: "Answered from Outlook on the web." },
    });
    const reply = await waitFor(
      async () => (await atEmulator("sentitems")).find((m) => m.conversationId === question.conversationId),
      { what: "the reply in Sent Items" },
    );
    await syncOnce();
    const replyRow = await stored(reply.id);
    expect(replyRow).toMatchObject({ folder: "sentitems", direction: "outbound", removedAt: null });
    expect(replyRow!.conversationId).toBe((await stored(question.id))!.conversationId);
  });

  it("runs a follow-up round when a sync is asked for while one is running (rerun note)", async () => {
    await quiet();
    // Hold the running sync in its Sent Items request while another one is asked for.
    const sentItems = await holdRequest(emulator, "/v1.0/me/mailFolders/sentitems/messages/delta", {
      mailbox: MAILBOX,
    });
    const running = syncOnce({ reason: "sweep" }, "worker-a");
    await waitFor(
      async () =>
        (await deps.db.select().from(syncLeases).where(eq(syncLeases.channelId, channelId)))[0]?.holder ===
        "worker-a",
      { what: "worker-a to hold the lease" },
    );
    const late = await deliver("Arrived during a long sync");
    const asked = await syncChannel({ ...deps, workerId: "worker-b" }, channelId, {
      reason: "notification",
      notifiedAt: new Date().toISOString(),
    });
    expect(asked).toEqual({ skipped: true, reason: "busy" });
    await sentItems.release();
    const result = await running;
    expect(result.rounds).toBeGreaterThanOrEqual(2);
    expect(await stored(late.id)).toMatchObject({ subject: "Arrived during a long sync", removedAt: null });
    expect(await deps.db.select().from(syncLeases).where(eq(syncLeases.channelId, channelId))).toEqual([]);
  });

  it("costs an idle mailbox one Graph HTTP request per routine round (both folders in one $batch)", async () => {
    await quiet();
    await emulatorFetch(emulator, "/_emulator/counters/reset", jsonInit("POST", {}));
    const result = await syncOnce({ reason: "sweep" });
    expect(result).toMatchObject({ rounds: 1, upserted: 0, removed: 0 });
    const counted = z
      .object({ endpoints: z.record(z.string(), z.object({ count: z.number() })) })
      .parse(await (await emulatorFetch(emulator, "/_emulator/counters")).json()).endpoints;
    // The envelope is the one request; its two items are counted under their own route too.
    expect(counted["POST /v1.0/$batch"]?.count).toBe(1);
    // (Subscription upkeep may run meanwhile; only mail requests are the sync's.)
    const items = Object.entries(counted).filter(([endpoint]) => endpoint.includes("/v1.0/me/"));
    expect(items.map(([endpoint, c]) => [endpoint, c.count])).toEqual([
      ["GET /v1.0/me/mailFolders/:folderId/messages/delta", 2],
    ]);
  });

  it("the sweep syncs a channel whose notification was lost", { timeout: 180_000 }, async () => {
    await quiet();
    await cancelWaitingSweeps(server, channelId);
    await dropNextNotifications(1);
    const lost = await deliver("Notification lost");
    const { enqueued } = await runSyncSweep({ ...deps, queue: server.mailroom.queue, random: () => 0 });
    expect(enqueued).toBe(1);
    await waitFor(() => stored(lost.id), { what: "the swept message", timeoutMs: 120_000 });
  });

  it("polls channels in polling mode once their last round is older than the poll interval", async () => {
    await quiet();
    const ref = { orgId, channelId };
    await markPollingMode(deps.db, ref, "subscription_refused", "test", null);
    try {
      // Just synced: not due yet.
      expect((await runSyncPoll({ ...deps, queue: server.mailroom.queue })).enqueued).toBe(0);
      await dropNextNotifications(1);
      const polled = await deliver("Found by polling");
      await deps.db.execute(
        sql`update channel_sync_state set last_delta_at = now() - interval '10 minutes' where channel_id = ${channelId}`,
      );
      expect((await runSyncPoll({ ...deps, queue: server.mailroom.queue })).enqueued).toBe(1);
      await waitFor(() => stored(polled.id), { what: "the polled message", timeoutMs: 60_000 });
    } finally {
      await markWebhookMode(deps.db, ref);
    }
  });

  it("re-sends a throttled job after a long Retry-After instead of failing it", async () => {
    await quiet();
    await emulatorFetch(
      emulator,
      "/_emulator/faults/burst",
      jsonInit("POST", {
        status: 429,
        count: 2,
        retryAfterSeconds: 120,
        pathPrefix: "/v1.0/me/mailFolders",
        mailbox: MAILBOX,
      }),
    );
    await runSyncChannelJob(deps, { channelId, reason: "sweep" });
    const later = await deps.db.execute<{ id: string; seconds: number }>(sql`
      select id, extract(epoch from start_after - now())::float as seconds from pgboss.job
      where name = 'sync-channel' and state = 'created' and singleton_key = ${channelId}`);
    expect(later.rows).toHaveLength(1);
    expect(later.rows[0]!.seconds).toBeGreaterThan(100);
    const [error] = await deps.db
      .select()
      .from(syncErrors)
      .where(eq(syncErrors.channelId, channelId))
      .orderBy(sql`${syncErrors.occurredAt} desc`)
      .limit(1);
    expect(error).toMatchObject({ kind: "throttled", code: "TooManyRequests" });
    await server.mailroom.queue.boss.cancel("sync-channel", later.rows[0]!.id);
  });
});

describe("the per-mailbox Graph request limit", () => {
  it("never lets a fifth request run, across limiters sharing the database", async () => {
    const limiters = [
      graphSlots(deps.db, channelId, { holderPrefix: "p1" }),
      graphSlots(deps.db, channelId, { holderPrefix: "p2" }),
    ];
    let running = 0;
    let most = 0;
    const work = async () => {
      running++;
      most = Math.max(most, running);
      expect(running).toBeLessThanOrEqual(SLOTS_PER_MAILBOX);
      await new Promise((r) => setTimeout(r, 20));
      running--;
    };
    await Promise.all(Array.from({ length: 24 }, (_, i) => limiters[i % 2]!.run(work, i % 5 === 0 ? 2 : 1)));
    expect(most).toBeLessThanOrEqual(SLOTS_PER_MAILBOX);
    expect(most).toBeGreaterThan(1);
    expect(
      await deps.db.select().from(graphRequestSlots).where(eq(graphRequestSlots.channelId, channelId)),
    ).toEqual([]);
  });

  it("hold takes the slots once for a series of requests; others wait for what is left", async () => {
    const slotRows = () =>
      deps.db.select().from(graphRequestSlots).where(eq(graphRequestSlots.channelId, channelId));
    const events: string[] = [];
    let rowsDuringHold = -1;
    let release!: () => void;
    const holdEnds = new Promise<void>((r) => {
      release = r;
    });
    const holding = graphSlots(deps.db, channelId).hold(2, async (held) => {
      rowsDuringHold = (await slotRows()).length;
      let running = 0;
      let most = 0;
      await Promise.all(
        Array.from({ length: 6 }, () =>
          held.run(async () => {
            most = Math.max(most, ++running);
            await new Promise((r) => setTimeout(r, 5));
            running--;
          }),
        ),
      );
      events.push(`held requests ran at most ${most} at once`);
      await holdEnds;
      events.push("hold ends");
    });
    await expect.poll(() => rowsDuringHold, { timeout: 30_000 }).toBe(2);
    // Two slots are free: a request of weight 3 waits for the hold to end.
    const other = graphSlots(deps.db, channelId).run(async () => events.push("weight 3 ran"), 3);
    await expect.poll(() => events.length, { timeout: 30_000 }).toBe(1);
    release();
    await Promise.all([holding, other]);
    expect(events).toEqual(["held requests ran at most 2 at once", "hold ends", "weight 3 ran"]);
    expect(await slotRows()).toEqual([]);
  });

  it("takes over slots whose holder died once their lease has expired", async () => {
    await deps.db.insert(graphRequestSlots).values(
      Array.from({ length: SLOTS_PER_MAILBOX }, (_, slot) => ({
        channelId,
        slot,
        holder: "a-worker-that-died",
        expiresAt: sql`now() - interval '1 second'`,
      })),
    );
    expect(await graphSlots(deps.db, channelId).run(async () => "ran")).toBe("ran");
    const left = await deps.db
      .select()
      .from(graphRequestSlots)
      .where(eq(graphRequestSlots.channelId, channelId));
    expect(left.every((s) => s.holder === "a-worker-that-died")).toBe(true);
    await deps.db.delete(graphRequestSlots).where(eq(graphRequestSlots.channelId, channelId));
  });

  it("renews a live holder's short lease for as long as it holds, and frees the slot at its release", async () => {
    const lease = async () => {
      const [row] = await deps.db
        .select({
          expiresAt: graphRequestSlots.expiresAt,
          left: sql<string>`extract(epoch from expires_at - now())`,
        })
        .from(graphRequestSlots)
        .where(eq(graphRequestSlots.channelId, channelId));
      return row && { expiresAt: row.expiresAt.getTime(), secondsLeft: Number(row.left) };
    };
    const release = await acquireGraphSlots(deps.db, channelId, { holderPrefix: "download" });
    try {
      // Short, so a holder that dies stalls the mailbox briefly...
      const first = (await lease())!;
      expect(first.secondsLeft).toBeLessThanOrEqual(SLOT_LEASE_SECONDS);
      // ...and renewed while it lives: pushed back past where it first ended.
      await waitFor(async () => ((await lease())?.expiresAt ?? 0) > first.expiresAt, {
        what: "the lease's renewal",
      });
    } finally {
      await release();
    }
    expect(await lease()).toBeUndefined();
  });
});
