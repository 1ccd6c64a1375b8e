import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { Emulator } from "../../emulator/src/index.ts";
import { emulatorFetch, jsonInit } from "../../emulator/src/testing/emulator-fetch.ts";
import { channels } from "../src/channels/schema.ts";
import { messages } from "../src/mail/schema.ts";
import { backfills } from "../src/sync/backfill/schema.ts";
import { syncChannel } from "../src/sync/delta/sync-channel.ts";
import { readSyncState, recentSyncErrors } from "../src/sync/state/sync-state.ts";
import { reauthorizeChannelSubscription } from "../src/sync/subscriptions/reauthorize.ts";
import { renewDueSubscriptions, retryWebhooks } from "../src/sync/subscriptions/renew-subscriptions.ts";
import { type SubscriptionRow, subscriptions } from "../src/sync/subscriptions/schema.ts";
import { UNKNOWN_SUBSCRIPTION_MEMORY_MS } from "../src/sync/subscriptions/subscription-store.ts";
import type { SyncDeps } from "../src/sync/sync-deps.ts";
import { createOrg, signUp } from "./accounts-helpers.ts";
import { emulatorEnv, startTestEmulator } from "./emulator.ts";
import { startTestServer, type TestClient, type TestServer } from "./harness.ts";
import {
  connectThroughMicrosoft,
  followCallback,
  registerApp,
  startConnectedMailbox,
} from "./outlook-helpers.ts";
import { waitFor } from "./wait-for.ts";

/**
 * Subscriptions end to end: the real server and the emulator over HTTPS. Time at Microsoft moves
 * with the emulator's clock; the renewal functions take that time as their `now`, as the job
 * would see it days later.
 */
const MINUTE = 60_000;
const MAILBOX = "support@contoso.com";

const EmulatorSubscriptions = z.object({
  value: z.array(
    z
      .object({
        id: z.string(),
        expirationDateTime: z.string(),
        paused: z.boolean(),
        mailboxId: z.string(),
        authorizedUntil: z.string(),
      })
      .loose(),
  ),
});
const Counters = z.object({
  endpoints: z.record(z.string(), z.object({ count: z.number() })),
});
const EmulatorMessages = z.object({ value: z.array(z.object({ id: z.string() })) });

interface Setup {
  emulator: Emulator;
  server: TestServer;
  admin: TestClient;
  channelId: string;
  deps: SyncDeps;
}

async function setUp(env: Record<string, string>): Promise<Setup> {
  const { emulator, server, admin, channelId } = await startConnectedMailbox({ env });
  const { mailroom } = server;
  const deps = {
    config: mailroom.config,
    db: server.database.db,
    box: mailroom.secretBox,
    events: mailroom.events,
    logger: mailroom.logger,
    queue: () => mailroom.queue,
  };
  return { emulator, server, admin, channelId, deps };
}

async function connect(admin: TestClient, emulator: Emulator): Promise<string> {
  const { page } = await connectThroughMicrosoft(admin, emulator);
  return (await followCallback(admin, page)).split("/")[3]!;
}

function helpers(s: () => Setup) {
  return {
    emulatorNow: () => new Date(s().emulator.clock.now()),
    async atEmulator() {
      const res = await emulatorFetch(s().emulator, "/_emulator/notifications/subscriptions");
      return EmulatorSubscriptions.parse(await res.json()).value;
    },
    stored(): Promise<SubscriptionRow[]> {
      return s().deps.db.select().from(subscriptions).where(eq(subscriptions.channelId, s().channelId));
    },
    state: () => readSyncState(s().deps.db, s().channelId),
    /** Calls to a Graph endpoint so far: `method` and the end of its route pattern. */
    async graphCalls(method: string, routeEnd: string) {
      const res = await emulatorFetch(s().emulator, "/_emulator/counters");
      const { endpoints } = Counters.parse(await res.json());
      return Object.entries(endpoints)
        .filter(([key]) => key.startsWith(`${method} `) && key.endsWith(routeEnd))
        .reduce((n, [, c]) => n + c.count, 0);
    },
    /** Calls to the token endpoint so far (refreshes and code redemptions). */
    async identityCalls() {
      const res = await emulatorFetch(s().emulator, "/_emulator/counters");
      const { endpoints } = Counters.parse(await res.json());
      return Object.entries(endpoints)
        .filter(([key]) => key.startsWith("POST ") && key.endsWith("/oauth2/v2.0/token"))
        .reduce((n, [, c]) => n + c.count, 0);
    },
    async emulatorMail() {
      const ids: string[] = [];
      for (const folder of ["inbox", "sentitems"]) {
        const res = await emulatorFetch(
          s().emulator,
          `/_emulator/mailboxes/${MAILBOX}/messages?folder=${folder}`,
        );
        ids.push(...EmulatorMessages.parse(await res.json()).value.map((m) => m.id));
      }
      return ids.sort();
    },
    async storedMail() {
      const rows = await s()
        .deps.db.select({ graphId: messages.graphId })
        .from(messages)
        .where(eq(messages.channelId, s().channelId));
      return rows.map((r) => r.graphId).sort();
    },
    async deliver(subject: string) {
      const res = await emulatorFetch(
        s().emulator,
        `/_emulator/mailboxes/${MAILBOX}/inbound`,
        jsonInit("POST", { from: { name: "Dana", address: "dana@example.net" }, subject, text: "Hi" }),
      );
      expect(res.status).toBe(201);
      return z.object({ id: z.string() }).parse(await res.json()).id;
    },
    async fault(body: Record<string, unknown>) {
      const res = await emulatorFetch(
        s().emulator,
        "/_emulator/notifications/faults",
        jsonInit("POST", body),
      );
      expect(res.status).toBe(201);
    },
    async lifecycle(subscriptionId: string, event: string) {
      const res = await emulatorFetch(
        s().emulator,
        `/_emulator/notifications/subscriptions/${subscriptionId}/lifecycle`,
        jsonInit("POST", { event }),
      );
      expect(res.status).toBe(202);
      expect(await res.json()).toMatchObject({ sent: true });
    },
  };
}

describe("subscriptions with webhooks on", () => {
  let setup: Setup;
  const h = helpers(() => setup);
  const waitStored = (what: string, ok: (rows: SubscriptionRow[]) => boolean) =>
    waitFor(
      async () => {
        const rows = await h.stored();
        return ok(rows) ? rows : undefined;
      },
      { what },
    );
  const waitMessage = (graphId: string) =>
    waitFor(async () => (await h.storedMail()).includes(graphId), {
      what: `message ${graphId} stored`,
      timeoutMs: 60_000,
    });

  beforeAll(async () => {
    setup = await setUp({});
  });
  afterAll(async () => {
    await setup?.server.close();
    await setup?.emulator.close();
  });

  it("connect subscribes Inbox and Sent Items, switches to webhook mode and stores the seeded mail", async () => {
    const rows = await waitStored("two subscriptions", (r) => r.length === 2);
    expect(rows.map((r) => r.folder).sort()).toEqual(["inbox", "sentitems"]);
    const remote = await h.atEmulator();
    expect(remote.map((s) => s.id).sort()).toEqual(rows.map((r) => r.id).sort());
    await waitFor(async () => (await h.state())?.mode === "webhook", { what: "webhook mode" });
    const state = await h.state();
    expect(state).toMatchObject({ mode: "webhook", pollingReason: null, webhookRetryAt: null });

    // Graph may notify before a new subscription's row is stored; intake drops those and keeps not
    // knowing the id for a few seconds. A catch-up sync queued to start after that covers them.
    const catchUps = await setup.server.mailroom.queue.boss.findJobs<{ reason: string }>("sync-channel", {
      key: `subscribed:${setup.channelId}`,
    });
    expect(catchUps.length).toBeGreaterThanOrEqual(1);
    for (const job of catchUps) {
      expect(job.data.reason).toBe("subscribed");
      expect(job.startAfter.getTime() - job.createdOn.getTime()).toBeGreaterThan(
        UNKNOWN_SUBSCRIPTION_MEMORY_MS,
      );
    }

    // Renewal time: a point between 50 % and 75 % of each subscription's lifetime.
    for (const row of rows) {
      const lifetime = row.expiresAt.getTime() - row.createdAt.getTime();
      const at = (row.renewAt!.getTime() - row.createdAt.getTime()) / lifetime;
      expect(at).toBeGreaterThanOrEqual(0.5);
      expect(at).toBeLessThanOrEqual(0.75);
    }

    const seeded = await h.emulatorMail();
    expect(seeded.length).toBeGreaterThan(10);
    await waitFor(async () => (await h.storedMail()).length === seeded.length, {
      what: "the first sync",
      timeoutMs: 60_000,
    });
    expect(await h.storedMail()).toEqual(seeded);
  });

  it("polls when Graph refuses the subscription, says why, and gets webhooks back at retry time", async () => {
    const before = await h.storedMail();
    expect((await setup.admin.delete(`/api/channels/${setup.channelId}`)).status).toBe(204);
    expect(await h.stored()).toEqual([]);
    // Graph's validation request gets a 500 from the "receiver": Graph refuses with 400 ValidationError.
    await h.fault({ kind: "validation", outcome: "non200", count: 2 });

    const reconnectedId = await connect(setup.admin, setup.emulator);
    expect(reconnectedId).toBe(setup.channelId);
    const state = await waitFor(
      async () => {
        const s = await h.state();
        return s?.pollingReason === "subscription_refused" ? s : undefined;
      },
      { what: "polling: subscription_refused" },
    );
    expect(state.mode).toBe("polling");
    expect(state.pollingDetail).toMatch(/ValidationError: Subscription validation request failed/);
    const retryIn = state.webhookRetryAt!.getTime() - Date.now();
    expect(retryIn).toBeGreaterThan(55 * MINUTE);
    expect(retryIn).toBeLessThanOrEqual(60 * MINUTE);
    expect(await h.stored()).toEqual([]);
    const errors = await recentSyncErrors(setup.deps.db, setup.channelId);
    expect(errors[0]).toMatchObject({ kind: "subscription", code: "ValidationError" });

    // Not yet time: nothing happens.
    expect(await retryWebhooks(setup.deps, new Date())).toBe(0);
    expect(await h.stored()).toEqual([]);
    // An hour later the retry subscribes both folders and webhooks are back.
    setup.emulator.clock.advance(61 * MINUTE);
    expect(await retryWebhooks(setup.deps, h.emulatorNow())).toBe(1);
    expect((await h.stored()).map((r) => r.folder).sort()).toEqual(["inbox", "sentitems"]);
    expect(await h.state()).toMatchObject({ mode: "webhook", pollingReason: null, webhookRetryAt: null });

    // The reconnect kept the mail and its place: the same messages, none twice, new mail flows.
    expect(await h.storedMail()).toEqual(before);
    await waitMessage(await h.deliver("After the retry"));
  });

  it("a reconnect keeps its live subscriptions and reauthorizes them", async () => {
    const rows = await h.stored();
    const calls = await h.graphCalls("POST", "/reauthorize");
    const created = await h.graphCalls("POST", "/subscriptions");
    expect(await connect(setup.admin, setup.emulator)).toBe(setup.channelId);
    await waitFor(async () => (await h.graphCalls("POST", "/reauthorize")) === calls + 2, {
      what: "both subscriptions reauthorized",
    });
    expect((await h.stored()).map((r) => r.id).sort()).toEqual(rows.map((r) => r.id).sort());
    expect(await h.graphCalls("POST", "/subscriptions")).toBe(created);
    expect(await h.state()).toMatchObject({ mode: "webhook" });
  });

  it("reauthorizationRequired: the subscription is reauthorized and delivery resumes", async () => {
    const [inbox] = (await h.stored()).filter((r) => r.folder === "inbox");
    const calls = await h.graphCalls("POST", "/reauthorize");
    await h.lifecycle(inbox!.id, "reauthorizationRequired");
    // Generous: under load Graph's lifecycle POST can outlast its 3 s answer window and come again
    // after Graph's 10 s retry, before the upkeep job even starts.
    await waitFor(async () => (await h.graphCalls("POST", "/reauthorize")) > calls, {
      what: "a reauthorize call",
      timeoutMs: 90_000,
    });
    await waitFor(async () => (await h.atEmulator()).find((s) => s.id === inbox!.id)?.paused === false, {
      what: "delivery resumed",
      timeoutMs: 60_000,
    });
    expect((await h.stored()).find((r) => r.id === inbox!.id)).toBeDefined();
    await waitMessage(await h.deliver("After reauthorization"));
  });

  it("a challenge is answered with a token newer than the one Graph challenged", async () => {
    const [inbox] = (await h.stored()).filter((r) => r.folder === "inbox");
    // As if the subscription had been authorized with the token the server holds now.
    const [channel] = await setup.deps.db.select().from(channels).where(eq(channels.id, setup.channelId));
    const held = channel!.accessTokenExpiresAt!;
    await setup.deps.db
      .update(subscriptions)
      .set({ authorizedUntil: held })
      .where(eq(subscriptions.id, inbox!.id));
    const refreshes = await h.identityCalls();
    await h.lifecycle(inbox!.id, "reauthorizationRequired");
    // A refresh first, then the reauthorization with the new token (recorded as the new limit).
    const fresh = await waitFor(
      async () => {
        const [now] = await setup.deps.db.select().from(channels).where(eq(channels.id, setup.channelId));
        const until = (await h.stored()).find((r) => r.id === inbox!.id)?.authorizedUntil;
        return now!.accessTokenExpiresAt!.getTime() !== held.getTime() &&
          until?.getTime() === now!.accessTokenExpiresAt!.getTime()
          ? now
          : undefined;
      },
      { what: "reauthorized with a refreshed token" },
    );
    expect(fresh.accessTokenExpiresAt!.getTime() - Date.now()).toBeGreaterThan(45 * MINUTE);
    expect(await h.identityCalls()).toBeGreaterThan(refreshes);
    expect((await h.atEmulator()).find((s) => s.id === inbox!.id)?.paused).toBe(false);
  });

  it("the sweep reauthorizes subscriptions coming due in the batch it sends anyway", async () => {
    const rows = await h.stored();
    const soon = new Date(Date.now() + 20 * MINUTE);
    const later = new Date(Date.now() + 3 * 60 * MINUTE);
    const [inbox, sent] = [
      rows.find((r) => r.folder === "inbox")!,
      rows.find((r) => r.folder === "sentitems")!,
    ];
    // Inbox's authorization ends within the sweep's horizon; Sent Items' is hours away.
    await setup.deps.db
      .update(subscriptions)
      .set({ authorizedUntil: soon })
      .where(eq(subscriptions.id, inbox.id));
    await setup.deps.db
      .update(subscriptions)
      .set({ authorizedUntil: later })
      .where(eq(subscriptions.id, sent.id));
    const before = await h.atEmulator();
    const batches = await h.graphCalls("POST", "/$batch");
    const direct = await h.graphCalls("POST", "/reauthorize");

    const result = await syncChannel(setup.deps, setup.channelId, { reason: "sweep" });
    expect(result).toMatchObject({ skipped: false });

    const after = await h.stored();
    const [channel] = await setup.deps.db.select().from(channels).where(eq(channels.id, setup.channelId));
    expect(after.find((r) => r.id === inbox.id)!.authorizedUntil).toEqual(channel!.accessTokenExpiresAt);
    expect(after.find((r) => r.id === sent.id)!.authorizedUntil).toEqual(later);
    const remote = await h.atEmulator();
    const remoteUntil = (id: string, list: typeof remote) => list.find((s) => s.id === id)!.authorizedUntil;
    expect(remoteUntil(sent.id, remote)).toBe(remoteUntil(sent.id, before));
    // One $batch (the emulator counts its items under their own routes): the deltas and Inbox's
    // reauthorization, nothing for Sent Items.
    expect(await h.graphCalls("POST", "/$batch")).toBe(batches + 1);
    expect(await h.graphCalls("POST", "/reauthorize")).toBe(direct + 1);
  });

  it("reauthorizing a subscription Graph no longer has recreates it", async () => {
    const [sent] = (await h.stored()).filter((r) => r.folder === "sentitems");
    const expire = await emulatorFetch(
      setup.emulator,
      `/_emulator/notifications/subscriptions/${sent!.id}/expire`,
      { method: "POST" },
    );
    expect(expire.status).toBe(204);
    expect(await reauthorizeChannelSubscription(setup.deps, sent!.id)).toBe("recreated");
    const rows = await h.stored();
    const replacement = rows.find((r) => r.folder === "sentitems")!;
    expect(replacement.id).not.toBe(sent!.id);
    expect(rows).toHaveLength(2);
    expect((await h.atEmulator()).map((s) => s.id)).toContain(replacement.id);
  });

  it("subscriptionRemoved: recreated, and a delta run picks up what went unannounced", async () => {
    const [inbox] = (await h.stored()).filter((r) => r.folder === "inbox");
    await h.fault({ kind: "drop", count: 1 });
    const unannounced = await h.deliver("Dropped notification, then removed");
    await h.lifecycle(inbox!.id, "subscriptionRemoved");
    const rows = await waitStored("a new inbox subscription", (r) =>
      r.some((x) => x.folder === "inbox" && x.id !== inbox!.id),
    );
    expect(rows).toHaveLength(2);
    const remote = (await h.atEmulator()).map((s) => s.id);
    expect(remote).not.toContain(inbox!.id);
    expect(remote).toContain(rows.find((r) => r.folder === "inbox")!.id);
    await waitMessage(unannounced);
    await waitFor(async () => (await h.state())?.mode === "webhook", { what: "webhook mode" });
  });

  it("missed: a delta run picks up what went unannounced", async () => {
    const [inbox] = (await h.stored()).filter((r) => r.folder === "inbox");
    await h.fault({ kind: "drop", count: 1 });
    const unannounced = await h.deliver("Dropped notification, then missed");
    await h.lifecycle(inbox!.id, "missed");
    await waitMessage(unannounced);
  });

  it("renews each subscription at its renewal time, well before it expires", async () => {
    const rows = await h.stored();
    const reauthorized = await h.graphCalls("POST", "/reauthorize");
    // Days pass at Microsoft: the access tokens behind the subscriptions expire on the way, so
    // Graph sends reauthorizationRequired on its own and pauses delivery; the app reauthorizes.
    const latest = Math.max(...rows.map((r) => r.renewAt!.getTime()));
    setup.emulator.clock.advance(latest - setup.emulator.clock.now() + MINUTE);
    await waitFor(async () => (await h.graphCalls("POST", "/reauthorize")) >= reauthorized + 2, {
      what: "reauthorizationRequired answered for both subscriptions",
    });
    const now = h.emulatorNow();
    for (const row of rows) expect(row.expiresAt.getTime()).toBeGreaterThan(now.getTime() + 24 * 60 * MINUTE);

    const result = await renewDueSubscriptions(setup.deps, now);
    expect(result).toEqual({ renewed: 2, recreated: 0, failed: 0 });
    const renewed = await h.stored();
    const remote = await h.atEmulator();
    for (const row of renewed) {
      const old = rows.find((r) => r.id === row.id)!;
      expect(row.expiresAt.getTime()).toBeGreaterThan(old.expiresAt.getTime());
      expect(row.renewedAt).toEqual(now);
      expect(new Date(remote.find((s) => s.id === row.id)!.expirationDateTime)).toEqual(row.expiresAt);
      const at = (row.renewAt!.getTime() - now.getTime()) / (row.expiresAt.getTime() - now.getTime());
      expect(at).toBeGreaterThanOrEqual(0.5);
      expect(at).toBeLessThanOrEqual(0.75);
    }
    // Nothing else is due.
    expect(await renewDueSubscriptions(setup.deps, now)).toEqual({ renewed: 0, recreated: 0, failed: 0 });
    await waitFor(async () => (await h.atEmulator()).every((s) => !s.paused), { what: "delivery on" });
    await waitMessage(await h.deliver("After renewal"));
  });

  it("recreates a subscription whose renewal Graph answers 404", async () => {
    const [inbox] = (await h.stored()).filter((r) => r.folder === "inbox");
    const expire = await emulatorFetch(
      setup.emulator,
      `/_emulator/notifications/subscriptions/${inbox!.id}/expire`,
      { method: "POST" },
    );
    expect(expire.status).toBe(204);
    // Let its renewal time come without waiting days.
    const now = h.emulatorNow();
    await setup.deps.db.update(subscriptions).set({ renewAt: now }).where(eq(subscriptions.id, inbox!.id));
    const patches = await h.graphCalls("PATCH", "/subscriptions/:id");

    expect(await renewDueSubscriptions(setup.deps, now)).toEqual({ renewed: 0, recreated: 1, failed: 0 });
    expect(await h.graphCalls("PATCH", "/subscriptions/:id")).toBe(patches + 1);
    const rows = await h.stored();
    const replacement = rows.find((r) => r.folder === "inbox")!;
    expect(replacement.id).not.toBe(inbox!.id);
    expect(replacement.clientStateSealed).not.toBe(inbox!.clientStateSealed);
    const remote = (await h.atEmulator()).map((s) => s.id);
    expect(remote).toContain(replacement.id);
    expect(remote).not.toContain(inbox!.id);
    await waitMessage(await h.deliver("After the 404"));
  });

  it("recreates lapsed subscriptions instead of renewing them, polling while Graph refuses", async () => {
    const rows = await h.stored();
    // The renewal job did not run for a week (say the server was down): both expired, and Graph
    // deleted them silently. (Expired here through the control API, so the emulator doesn't also
    // send reauthorizationRequired on the way — its upkeep job would race this test on real time.)
    for (const row of rows) {
      const expire = await emulatorFetch(
        setup.emulator,
        `/_emulator/notifications/subscriptions/${row.id}/expire`,
        { method: "POST" },
      );
      expect(expire.status).toBe(204);
    }
    const latest = Math.max(...rows.map((r) => r.expiresAt.getTime()));
    setup.emulator.clock.advance(latest - setup.emulator.clock.now() + MINUTE);
    expect(await h.atEmulator()).toEqual([]);
    await h.fault({ kind: "validation", outcome: "non200", count: 1 });
    const patches = await h.graphCalls("PATCH", "/subscriptions/:id");

    const now = h.emulatorNow();
    expect(await renewDueSubscriptions(setup.deps, now)).toEqual({ renewed: 0, recreated: 1, failed: 1 });
    expect(await h.graphCalls("PATCH", "/subscriptions/:id")).toBe(patches);
    const state = await h.state();
    expect(state).toMatchObject({ mode: "polling", pollingReason: "subscription_lapsed" });
    expect(state!.pollingDetail).toMatch(/ValidationError/);
    expect((await recentSyncErrors(setup.deps.db, setup.channelId))[0]).toMatchObject({ kind: "renewal" });
    const lapsed = (await h.stored()).filter((r) => r.expiresAt <= now);
    expect(lapsed).toHaveLength(1);

    // The next run (5 minutes later) recreates it, and webhooks are back.
    const later = new Date(now.getTime() + 5 * MINUTE);
    expect(await renewDueSubscriptions(setup.deps, later)).toEqual({ renewed: 0, recreated: 1, failed: 0 });
    const live = await h.stored();
    expect(live.map((r) => r.folder).sort()).toEqual(["inbox", "sentitems"]);
    expect(live.every((r) => r.expiresAt > later)).toBe(true);
    expect((await h.atEmulator()).map((s) => s.id).sort()).toEqual(live.map((r) => r.id).sort());
    expect(await h.state()).toMatchObject({ mode: "webhook", pollingReason: null });
  });

  it("deletes the subscriptions at Microsoft on disconnect, and cancels a running backfill", async () => {
    expect(await h.stored()).toHaveLength(2);
    const [before] = await setup.deps.db.select().from(channels).where(eq(channels.id, setup.channelId));
    const [backfill] = await setup.deps.db
      .insert(backfills)
      .values({
        orgId: before!.orgId,
        channelId: setup.channelId,
        days: 90,
        windowStart: new Date(Date.now() - 90 * 86_400_000),
        windowEnd: new Date(),
      })
      .returning();
    expect((await setup.admin.delete(`/api/channels/${setup.channelId}`)).status).toBe(204);
    expect(await h.atEmulator()).toEqual([]);
    expect(await h.stored()).toEqual([]);
    const [channel] = await setup.deps.db.select().from(channels).where(eq(channels.id, setup.channelId));
    expect(channel?.status).toBe("disconnected");
    const [after] = await setup.deps.db.select().from(backfills).where(eq(backfills.id, backfill!.id));
    expect(after).toMatchObject({ status: "cancelled", error: "The channel was disconnected" });
  });
});

describe("subscriptions with WEBHOOKS=auto and a PUBLIC_URL that isn't public", () => {
  let setup: Setup;
  const h = helpers(() => setup);

  beforeAll(async () => {
    setup = await setUp({ WEBHOOKS: "auto" });
  });
  afterAll(async () => {
    await setup?.server.close();
    await setup?.emulator.close();
  });

  it("polls with the reason and what to change, without asking Graph for a subscription", async () => {
    const state = await waitFor(
      async () => {
        const s = await h.state();
        return s?.mode === "polling" ? s : undefined;
      },
      { what: "polling mode" },
    );
    expect(state.pollingReason).toBe("public_url_not_public");
    expect(state.pollingDetail).toMatch(/Set PUBLIC_URL to a public https URL/);
    expect(state.webhookRetryAt).toBeNull();
    expect(await h.graphCalls("POST", "/subscriptions")).toBe(0);
    expect(await h.atEmulator()).toEqual([]);
    expect(await h.stored()).toEqual([]);
    // The first sync still runs.
    const seeded = await h.emulatorMail();
    await waitFor(async () => (await h.storedMail()).length === seeded.length, {
      what: "the first sync",
      timeoutMs: 60_000,
    });
    // Retrying changes nothing while PUBLIC_URL stays what it is.
    expect(await retryWebhooks(setup.deps, new Date(Date.now() + 24 * 60 * MINUTE))).toBe(0);
    expect(await h.graphCalls("POST", "/subscriptions")).toBe(0);
  });
});

describe("subscriptions for a channel connected with the organisation's own app (BYOC)", () => {
  let setup: Setup;
  let appId: string;
  const h = helpers(() => setup);

  beforeAll(async () => {
    const emulator = await startTestEmulator();
    const server = await startTestServer(emulatorEnv(emulator));
    const app = await registerApp(emulator, {
      redirectUris: [`${server.url}/api/outlook/oauth2/callback`],
    });
    const admin = await signUp(server, "admin@byoc.test");
    await createOrg(admin, "BYOC Co");
    const saved = await admin.put("/api/outlook/credentials", {
      clientId: app.clientId,
      clientSecret: app.secret,
      redirectUriConfirmed: true,
    });
    expect(saved.status).toBe(200);
    const channelId = await connect(admin, emulator);
    const { mailroom } = server;
    const deps = {
      config: mailroom.config,
      db: server.database.db,
      box: mailroom.secretBox,
      events: mailroom.events,
      logger: mailroom.logger,
    };
    setup = { emulator, server, admin, channelId, deps };
    appId = app.clientId;
  });
  afterAll(async () => {
    await setup?.server.close();
    await setup?.emulator.close();
  });

  it("subscribes both folders with the organisation's app and stores the seeded mail", async () => {
    const rows = await waitFor(
      async () => {
        const all = await h.stored();
        return all.length === 2 ? all : undefined;
      },
      { what: "two subscriptions" },
    );
    expect(rows.map((r) => r.folder).sort()).toEqual(["inbox", "sentitems"]);
    const remote = await h.atEmulator();
    expect(remote.map((s) => s.id).sort()).toEqual(rows.map((r) => r.id).sort());
    expect(remote.every((s) => s.applicationId === appId)).toBe(true);
    await waitFor(async () => (await h.state())?.mode === "webhook", { what: "webhook mode" });
    const seeded = await h.emulatorMail();
    await waitFor(async () => (await h.storedMail()).length === seeded.length, {
      what: "the first sync",
      timeoutMs: 60_000,
    });
    expect(await h.storedMail()).toEqual(seeded);
  });
});
