import { and, count, eq, isNull, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { Emulator } from "../../emulator/src/index.ts";
import { emulatorFetch, jsonInit } from "../../emulator/src/testing/emulator-fetch.ts";
import { channelAccessToken } from "../src/channels/access-token.ts";
import { channels } from "../src/channels/schema.ts";
import { conversations, messages, syncCursors } from "../src/mail/schema.ts";
import { createGraphClient } from "../src/microsoft/graph-client.ts";
import { syncLeases } from "../src/sync/delta/schema.ts";
import { syncChannel } from "../src/sync/delta/sync-channel.ts";
import { takeSyncLease } from "../src/sync/delta/sync-lease.ts";
import type { SyncDeps } from "../src/sync/sync-deps.ts";
import type { TestServer } from "./harness.ts";
import { startConnectedMailbox, syncAtRest } from "./outlook-helpers.ts";
import { waitFor } from "./wait-for.ts";

let emulator: Emulator;
let server: TestServer;
let deps: SyncDeps;
let channelId: string;

const emulatorMessages = z.object({
  value: z.array(z.object({ id: z.string(), conversationId: z.string(), internetMessageId: z.string() })),
});

beforeAll(async () => {
  ({ emulator, server, channelId } = await startConnectedMailbox());
  const { mailroom } = server;
  deps = {
    config: mailroom.config,
    db: server.database.db,
    box: mailroom.secretBox,
    events: mailroom.events,
  };
  // Connecting starts a first sync in the background: let it finish, so runs here are ours.
  await quiet();
});

afterAll(async () => {
  await server?.close();
  await emulator?.close();
});

/** No sync job waiting or running, and the channel's lease free. */
async function quiet() {
  await syncAtRest(deps.db, channelId);
}

/** What the emulator's mailbox holds in a folder (its control API, not Graph). */
async function mailbox(folder: "inbox" | "sentitems") {
  const res = await emulatorFetch(
    emulator,
    `/_emulator/mailboxes/support@contoso.com/messages?folder=${folder}`,
  );
  return emulatorMessages.parse(await res.json()).value;
}

async function deliver(body: Record<string, unknown>) {
  const res = await emulatorFetch(
    emulator,
    "/_emulator/mailboxes/support@contoso.com/inbound",
    jsonInit("POST", {
      from: { name: "Dana Customer", address: "dana@example.net" },
      text: "Hello",
      ...body,
    }),
  );
  expect(res.status).toBe(201);
  return z.object({ id: z.string(), internetMessageId: z.string() }).parse(await res.json());
}

async function leaseHolder() {
  const [lease] = await deps.db
    .select({ holder: syncLeases.holder })
    .from(syncLeases)
    .where(eq(syncLeases.channelId, channelId));
  return lease?.holder;
}

async function counts() {
  const [m] = await deps.db.select({ n: count() }).from(messages).where(eq(messages.channelId, channelId));
  const [c] = await deps.db
    .select({ n: count() })
    .from(conversations)
    .where(eq(conversations.channelId, channelId));
  return { messages: m!.n, conversations: c!.n };
}

async function stored(graphId: string) {
  const [row] = await deps.db
    .select()
    .from(messages)
    .where(and(eq(messages.channelId, channelId), eq(messages.graphId, graphId)));
  return row;
}

describe("syncing a channel's mail with delta queries", () => {
  it("stores every Inbox and Sent Items message, grouped by Graph conversation", async () => {
    const result = await syncChannel(deps, channelId);
    expect(result.skipped).toBe(false);
    const inbox = await mailbox("inbox");
    const sent = await mailbox("sentitems");
    expect(inbox.length).toBeGreaterThan(10);
    expect(sent.length).toBeGreaterThan(0);

    const rows = await deps.db.select().from(messages).where(eq(messages.channelId, channelId));
    expect(rows.map((r) => r.graphId).sort()).toEqual([...inbox, ...sent].map((m) => m.id).sort());
    expect(rows.filter((r) => r.folder === "sentitems").every((r) => r.direction === "outbound")).toBe(true);
    expect(rows.filter((r) => r.folder === "inbox").every((r) => r.direction === "inbound")).toBe(true);

    const threads = await deps.db.select().from(conversations).where(eq(conversations.channelId, channelId));
    const graphThreads = new Set([...inbox, ...sent].map((m) => m.conversationId));
    expect(threads.map((t) => t.graphConversationId).sort()).toEqual([...graphThreads].sort());
    for (const thread of threads) {
      const inThread = rows.filter((r) => r.conversationId === thread.id);
      expect(thread.messageCount).toBe(inThread.length);
      expect(thread.unreadCount).toBe(inThread.filter((r) => !r.isRead && r.direction === "inbound").length);
    }
    const cursors = await deps.db.select().from(syncCursors).where(eq(syncCursors.channelId, channelId));
    expect(cursors.map((c) => c.folder).sort()).toEqual(["inbox", "sentitems"]);
    expect(cursors.every((c) => c.deltaLink && !c.nextLink && c.initialCompletedAt)).toBe(true);
  });

  it("changes nothing when run again", async () => {
    const before = await counts();
    const result = await syncChannel(deps, channelId);
    expect(result).toMatchObject({ skipped: false, upserted: 0, removed: 0 });
    expect(await counts()).toEqual(before);
  });

  it("adds new inbound mail, and a reply joins its thread", async () => {
    const before = await counts();
    const [original] = await mailbox("inbox");
    const fresh = await deliver({ subject: "Brand new question" });
    const reply = await deliver({
      subject: "RE: earlier thread",
      inReplyTo: original!.internetMessageId,
    });
    // Their notifications may have synced them already; either way one more run changes nothing.
    await quiet();
    expect((await syncChannel(deps, channelId)).skipped).toBe(false);
    expect(await counts()).toEqual({
      messages: before.messages + 2,
      conversations: before.conversations + 1,
    });
    const newRow = await stored(fresh.id);
    expect(newRow).toMatchObject({
      subject: "Brand new question",
      fromAddress: "dana@example.net",
      isRead: false,
    });
    const replyRow = await stored(reply.id);
    const originalRow = await stored(original!.id);
    expect(replyRow!.conversationId).toBe(originalRow!.conversationId);
    const [thread] = await deps.db
      .select()
      .from(conversations)
      .where(eq(conversations.id, replyRow!.conversationId));
    const live = await deps.db
      .select({ n: count() })
      .from(messages)
      .where(and(eq(messages.conversationId, thread!.id), isNull(messages.removedAt)));
    expect(thread!.messageCount).toBe(live[0]!.n);
  });

  it("marks a message moved to the archive as removed and recounts its thread", async () => {
    const moved = await deliver({ subject: "Please archive me" });
    await quiet();
    await syncChannel(deps, channelId);
    const [row] = await deps.db.select().from(channels).where(eq(channels.id, channelId));
    const graph = createGraphClient({
      graphUrl: deps.config.microsoft.graphUrl,
      accessToken: channelAccessToken(deps, row!),
    });
    await graph.send({
      method: "POST",
      path: `/me/messages/${moved.id}/move`,
      body: { destinationId: "archive" },
    });

    await quiet();
    expect((await syncChannel(deps, channelId)).skipped).toBe(false);
    const removed = await stored(moved.id);
    expect(removed!.removedAt).toBeInstanceOf(Date);
    const [thread] = await deps.db
      .select()
      .from(conversations)
      .where(eq(conversations.id, removed!.conversationId));
    expect(thread!.messageCount).toBe(0);
  });

  it("starts over without duplicates when Graph has evicted the delta state", async () => {
    await quiet();
    const before = await counts();
    const evict = await emulatorFetch(emulator, "/_emulator/delta/evict", jsonInit("POST", {}));
    expect(evict.status).toBeLessThan(300);
    const result = await syncChannel(deps, channelId);
    if (result.skipped) throw new Error("the run was skipped");
    expect(result.folders.inbox.reset).toBe(true);
    expect(result.folders.sentitems.reset).toBe(true);
    expect(await counts()).toEqual(before);
    expect((await syncChannel(deps, channelId)).skipped).toBe(false);
    expect(await counts()).toEqual(before);
  });
});

describe("one run per channel at a time", () => {
  it("skips a second concurrent run while the first holds the lease", async () => {
    const before = await counts();
    await deliver({ subject: "Two workers race for me" });
    await quiet();
    // The first run's Graph requests wait (on the emulator's clock) until we let them go, so the
    // second run really starts while the first holds the lease, however loaded the machine is.
    await emulatorFetch(
      emulator,
      "/_emulator/faults/latency",
      jsonInit("POST", { ms: 60_000, count: 1, mailbox: "support@contoso.com" }),
    );
    const first = syncChannel({ ...deps, workerId: "worker-a" }, channelId);
    await waitFor(async () => (await leaseHolder()) === "worker-a", { what: "worker-a holding the lease" });
    const second = await syncChannel({ ...deps, workerId: "worker-b" }, channelId);
    expect(second).toEqual({ skipped: true, reason: "busy" });
    emulator.clock.advance(60_000);
    expect((await first).skipped).toBe(false);
    expect((await counts()).messages).toBe(before.messages + 1);
  });

  it("skips while another worker's lease is live, and runs once it has expired", async () => {
    await quiet();
    expect(await takeSyncLease(deps.db, channelId, "a-worker-that-died", 60_000)).toBe(true);
    expect(await syncChannel(deps, channelId)).toEqual({ skipped: true, reason: "busy" });
    // A lease that expired a second ago: its worker is gone.
    await deps.db
      .update(syncLeases)
      .set({ expiresAt: sql`now() - interval '1 second'` })
      .where(eq(syncLeases.channelId, channelId));
    expect((await syncChannel(deps, channelId)).skipped).toBe(false);
  });
});
