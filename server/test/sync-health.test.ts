import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { Emulator } from "../../emulator/src/index.ts";
import { emulatorFetch, jsonInit } from "../../emulator/src/testing/emulator-fetch.ts";
import { channels } from "../src/channels/schema.ts";
import { syncCursors } from "../src/mail/schema.ts";
import { recordSyncError } from "../src/sync/state/sync-state.ts";
import { subscriptions } from "../src/sync/subscriptions/schema.ts";
import { clientStateContext } from "../src/sync/subscriptions/subscription-store.ts";
import { createOrg, join, MANY_USERS_ENV, signUp } from "./accounts-helpers.ts";
import { startTestEmulator } from "./emulator.ts";
import type { TestClient, TestServer } from "./harness.ts";
import { startConnectedMailbox } from "./outlook-helpers.ts";
import { waitFor } from "./wait-for.ts";

interface SyncHealth {
  channelId: string;
  state: string;
  label: string;
  mode: string;
  pollingReason: string | null;
  pollingDetail: string | null;
  subscriptions: Record<string, unknown>[];
  lastDeltaAt: string | null;
  initialSyncedAt: string | null;
  messagesSynced: number;
  foldersFollowed: string[];
  recentErrors: { occurredAt: string; kind: string; code: string; message: string }[];
}

let emulator: Emulator;

/** A server connected to the emulator's support@contoso.com, with its owner signed in. */
async function connectedServer(env: Record<string, string> = {}) {
  const { server, admin, channelId } = await startConnectedMailbox({
    emulator,
    env: { ...MANY_USERS_ENV, ...env },
  });
  return { server, owner: admin, channelId };
}

async function health(client: TestClient, channelId: string) {
  const res = await client.get<{ sync: SyncHealth }>(`/api/channels/${channelId}/sync`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.sync;
}

/** "Check now", then wait for the full check it asked for. */
async function checkNowAndWait(client: TestClient, channelId: string, after = new Date(0)) {
  expect((await client.post(`/api/channels/${channelId}/sync`)).status).toBe(202);
  return waitFor(
    async () => {
      const h = await health(client, channelId);
      return h.lastDeltaAt && new Date(h.lastDeltaAt) > after ? h : undefined;
    },
    { what: "a completed full check", timeoutMs: 60_000 },
  );
}

/** Syncs queued for the channel and not yet started. */
function waitingJobs(server: TestServer, channelId: string) {
  return server.mailroom.queue.boss.findJobs("sync-channel", { key: channelId, queued: true });
}

async function seededCount() {
  let n = 0;
  for (const folder of ["inbox", "sentitems"]) {
    const res = await emulatorFetch(
      emulator,
      `/_emulator/mailboxes/support@contoso.com/messages?folder=${folder}`,
    );
    n += z.object({ value: z.array(z.unknown()) }).parse(await res.json()).value.length;
  }
  return n;
}

beforeAll(async () => {
  emulator = await startTestEmulator();
});

afterAll(async () => {
  await emulator?.close();
});

describe("sync health of a channel with webhooks", () => {
  let server: TestServer;
  let owner: TestClient;
  let member: TestClient;
  let stranger: TestClient;
  let channelId: string;

  beforeAll(async () => {
    ({ server, owner, channelId } = await connectedServer());
    member = await join(server, owner, "agent@acme.test");
    stranger = await signUp(server, "boss@other.test");
    await createOrg(stranger, "Other");
    // Subscribing is the upkeep job's; sending it again is harmless if connect already did.
    await server.mailroom.queue.send("subscription-upkeep", { action: "subscribe", channelId });
    await waitFor(
      async () =>
        (await server.database.db.select().from(subscriptions).where(eq(subscriptions.channelId, channelId)))
          .length === 2,
      { what: "both subscriptions", timeoutMs: 60_000 },
    );
  });

  afterAll(async () => {
    await server?.close();
  });

  it("after the first sync: real-time, healthy, and every seeded message counted", async () => {
    await checkNowAndWait(owner, channelId);
    const h = await waitFor(async () => {
      const current = await health(owner, channelId);
      return current.state === "healthy" ? current : undefined;
    });
    expect(h).toMatchObject({ channelId, mode: "webhook", pollingReason: null, pollingDetail: null });
    expect(h.initialSyncedAt).toBeTruthy();
    expect(h.messagesSynced).toBe(await seededCount());
    expect(h.foldersFollowed).toEqual(["inbox", "sentitems"]);
    expect(h.subscriptions.map((s) => s.folder)).toEqual(["inbox", "sentitems"]);
    for (const s of h.subscriptions) {
      expect(Object.keys(s).sort()).toEqual(["expiresAt", "folder"]);
      expect(new Date(String(s.expiresAt)).getTime()).toBeGreaterThan(Date.now());
    }
  });

  it("summarises every channel of the org for Settings > Channels", async () => {
    const res = await member.get<{ channels: Record<string, unknown>[] }>("/api/sync/health");
    expect(res.status).toBe(200);
    expect(res.body.channels).toHaveLength(1);
    expect(res.body.channels[0]).toMatchObject({ channelId, state: "healthy", mode: "webhook" });
    expect(res.body.channels[0]!.lastDeltaAt).toBeTruthy();
    const other = await stranger.get<{ channels: unknown[] }>("/api/sync/health");
    expect(other.body.channels).toEqual([]);
  });

  it("shows a recorded sync error, newest first, without any secret", async () => {
    const db = server.database.db;
    const [org] = await db.select({ orgId: channels.orgId }).from(channels).where(eq(channels.id, channelId));
    const cursors = await db.select().from(syncCursors).where(eq(syncCursors.channelId, channelId));
    const deltaLink = cursors.find((c) => c.deltaLink)!.deltaLink!;
    // The real path: Graph answers 503 more often than the client retries in line.
    const burst = await emulatorFetch(
      emulator,
      "/_emulator/faults/burst",
      // Longer than the client waits in line, so the run ends throttled and comes back later.
      jsonInit("POST", { status: 503, count: 1, retryAfterSeconds: 31, mailbox: "support@contoso.com" }),
    );
    expect(burst.status).toBe(201);
    expect((await owner.post(`/api/channels/${channelId}/sync`)).status).toBe(202);
    const failed = await waitFor(
      async () => {
        const current = await health(member, channelId);
        return current.recentErrors.length > 0 ? current : undefined;
      },
      { what: "the recorded error", timeoutMs: 60_000 },
    );
    expect(failed.state).toBe("degraded");
    expect(failed.label).toBe("1 sync error in the last hour — Mailroom keeps retrying");
    expect(failed.recentErrors[0]).toMatchObject({ kind: "throttled" });
    // The run comes back after Graph's Retry-After; "Check now" doesn't jump the queue.
    await waitFor(async () => (await waitingJobs(server, channelId)).length === 1, {
      what: "the throttled run",
    });
    const click = await owner.post<{ queued: boolean }>(`/api/channels/${channelId}/sync`);
    expect(click.body).toEqual({ queued: false });

    // A careless writer pasting a delta link is cut down to its path before it leaves the server.
    const ref = { orgId: org!.orgId, channelId };
    await recordSyncError(db, ref, "delta", "ServiceUnavailable", `Graph answered 503 for ${deltaLink}`);
    const h = await health(member, channelId);
    expect(h.label).toBe("2 sync errors in the last hour — Mailroom keeps retrying");
    expect(h.recentErrors.map((e) => e.kind)).toEqual(["delta", "throttled"]);
    expect(h.recentErrors[0]!.message).toMatch(/^Graph answered 503 for \/.*\?…$/);

    const token = new URL(deltaLink, "https://graph.microsoft.com").searchParams;
    const secrets = [...token.values()];
    const [row] = await db.select().from(channels).where(eq(channels.id, channelId));
    secrets.push(
      server.mailroom.secretBox.open(row!.accessTokenSealed!, `channel:${channelId}:access_token`),
    );
    for (const s of await db.select().from(subscriptions).where(eq(subscriptions.channelId, channelId))) {
      secrets.push(s.id, server.mailroom.secretBox.open(s.clientStateSealed, clientStateContext(s.id)));
    }
    const body = JSON.stringify(h) + JSON.stringify((await member.get("/api/sync/health")).body);
    expect(secrets.length).toBeGreaterThan(3);
    for (const secret of secrets) expect(body).not.toContain(secret);
    expect(body).not.toMatch(/deltatoken|clientState/i);
  });

  it("hides other orgs' channels: 404 to look or to check", async () => {
    expect((await stranger.get(`/api/channels/${channelId}/sync`)).status).toBe(404);
    expect((await stranger.post(`/api/channels/${channelId}/sync`)).status).toBe(404);
    expect((await owner.get("/api/channels/not-a-channel/sync")).status).toBe(404);
  });

  it("lets members look but only owners and admins check now", async () => {
    expect((await member.get(`/api/channels/${channelId}/sync`)).status).toBe(200);
    const res = await member.post<{ code: string }>(`/api/channels/${channelId}/sync`);
    expect(res.status).toBe(403);
    expect(res.body.code).toBe("forbidden");
  });

  it("refuses to check a channel that needs reconnecting, saying so", async () => {
    const db = server.database.db;
    await db.update(channels).set({ status: "needs_reauth" }).where(eq(channels.id, channelId));
    try {
      const res = await owner.post<{ title: string }>(`/api/channels/${channelId}/sync`);
      expect(res.status).toBe(409);
      expect(res.body.title).toMatch(/reconnect/i);
      expect((await health(owner, channelId)).state).toBe("needs_reauth");
    } finally {
      await db.update(channels).set({ status: "connected" }).where(eq(channels.id, channelId));
    }
  });

  it("queues one sync for a double click", async () => {
    // With nobody working the queue and nothing waiting, both clicks race to queue the first sync.
    const boss = server.mailroom.queue.boss;
    await boss.offWork("sync-channel");
    const stale = await waitingJobs(server, channelId);
    if (stale.length)
      await boss.cancel(
        "sync-channel",
        stale.map((j) => j.id),
      );
    const clicks = await Promise.all([
      owner.post<{ queued: boolean }>(`/api/channels/${channelId}/sync`),
      owner.post<{ queued: boolean }>(`/api/channels/${channelId}/sync`),
    ]);
    expect(clicks.map((c) => c.status)).toEqual([202, 202]);
    expect(clicks.map((c) => c.body.queued).sort()).toEqual([false, true]);
    const waiting = await waitingJobs(server, channelId);
    expect(waiting.map((j) => j.data)).toEqual([{ channelId, reason: "manual" }]);
  });
});

describe("sync health of a channel that polls", () => {
  let server: TestServer;
  let owner: TestClient;
  let channelId: string;

  beforeAll(async () => {
    ({ server, owner, channelId } = await connectedServer({ WEBHOOKS: "off" }));
  });

  afterAll(async () => {
    await server?.close();
  });

  it("says it polls, and why, in a sentence", async () => {
    await checkNowAndWait(owner, channelId);
    const h = await waitFor(async () => {
      const current = await health(owner, channelId);
      return current.state === "polling" ? current : undefined;
    });
    expect(h.mode).toBe("polling");
    expect(h.pollingReason).toMatch(/^(webhooks_off|public_url_not_public)$/);
    expect(h.pollingDetail).toMatch(/Checking for new mail every 60 seconds/);
    expect(h.label).toBe("Checking for new mail every 60 seconds");
    expect(h.subscriptions).toEqual([]);
    const [row] = await server.database.db
      .select({ n: sql<number>`count(*)::int` })
      .from(subscriptions)
      .where(and(eq(subscriptions.channelId, channelId)));
    expect(row!.n).toBe(0);
  });
});
