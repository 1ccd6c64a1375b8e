import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { Emulator } from "../../emulator/src/index.ts";
import { emulatorFetch, jsonInit } from "../../emulator/src/testing/emulator-fetch.ts";
import { channelAliases } from "../src/channels/schema.ts";
import type { LiveEvent } from "../src/events/bus.ts";
import { inboxChannels } from "../src/inbox/schema.ts";
import { conversations, messages, syncCursors } from "../src/mail/schema.ts";
import { runSyncChannelJob } from "../src/sync/delta/sync-jobs.ts";
import { subscriptions } from "../src/sync/subscriptions/schema.ts";
import { join } from "./accounts-helpers.ts";
import type { TestClient, TestServer } from "./harness.ts";
import { send, waitForOutbox, withOutboxHeader } from "./outbox-helpers.ts";
import { CUSTOMER, cancelWaitingSweeps, startConnectedMailbox, syncAtRest } from "./outlook-helpers.ts";
import { auditOf, channelRow, jobDeps, reconnectThroughMicrosoft } from "./reauth-helpers.ts";
import { waitFor } from "./wait-for.ts";

/**
 * Issue 12, Reconnect: the same channel updated in place — settings, aliases, inbox links,
 * conversations, subscriptions (one dropped by Graph meanwhile is recreated) and delta positions
 * kept — and a catch-up round at once brings the mail that arrived while it was broken. Signing in
 * as another mailbox is refused and changes nothing.
 */
const MAILBOX = "support@contoso.com";
let emulator: Emulator;
let server: TestServer;
let admin: TestClient;
let channelId: string;
let orgId: string;
const events: LiveEvent[] = [];

beforeAll(async () => {
  ({ emulator, server, admin, channelId, orgId } = await startConnectedMailbox());
  server.mailroom.events.subscribe(orgId, (e) => events.push(e));
  await syncAtRest(server.database.db, channelId);
});

afterAll(async () => {
  await server?.close();
  await emulator?.close();
});

const db = () => server.database.db;

async function deliver(subject: string) {
  const res = await emulatorFetch(
    emulator,
    `/_emulator/mailboxes/${MAILBOX}/inbound`,
    jsonInit("POST", { from: { name: "Dana Customer", address: "dana@example.net" }, subject, text: "Hi" }),
  );
  expect(res.status).toBe(201);
  return z.object({ id: z.string() }).parse(await res.json());
}

/** Everything a reconnect must keep, as stored. */
async function kept() {
  const row = await channelRow(db(), channelId);
  const cursors = await db().select().from(syncCursors).where(eq(syncCursors.channelId, channelId));
  return {
    settings: {
      displayName: row.displayName,
      signature: row.signature,
      autoBcc: row.autoBcc,
      undoSendSeconds: row.undoSendSeconds,
    },
    aliases: (await db().select().from(channelAliases).where(eq(channelAliases.channelId, channelId)))
      .map((a) => a.addressLower)
      .sort(),
    links: (await db().select().from(inboxChannels).where(eq(inboxChannels.channelId, channelId)))
      .map((l) => l.inboxId)
      .sort(),
    conversations: (await db().select().from(conversations).where(eq(conversations.channelId, channelId)))
      .map((c) => c.id)
      .sort(),
    initialCompleted: cursors
      .map((c) => [c.folder, c.initialCompletedAt?.toISOString()])
      .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
  };
}

async function stored(graphId: string) {
  const [row] = await db()
    .select()
    .from(messages)
    .where(and(eq(messages.channelId, channelId), eq(messages.graphId, graphId)));
  return row;
}

describe("reconnect", () => {
  it("refuses another mailbox, keeps everything and catches up the missed mail with the right one", {
    timeout: 300_000,
  }, async () => {
    const settings = await admin.patch(`/api/channels/${channelId}`, {
      signature: "— Support at Acme",
      autoBcc: "archive@acme.test",
      // Long enough for the sign-in to break while the message below waits out its window.
      undoSendSeconds: 30,
    });
    expect(settings.status).toBe(200);
    await deliver("Before it broke");
    await syncAtRest(db(), channelId);
    const before = await kept();
    expect(before.conversations.length).toBeGreaterThan(0);
    const subsBefore = await db().select().from(subscriptions).where(eq(subscriptions.channelId, channelId));
    expect(subsBefore).toHaveLength(2);

    // An agent's message, still in its undo window when the sign-in breaks: it fails only for that.
    const stopped = await send(admin, {
      kind: "new",
      channelId,
      from: MAILBOX,
      to: [{ address: CUSTOMER.login, name: "Dana" }],
      subject: "Written while the sign-in was broken",
      html: "<p>Sent once the mailbox is back.</p>",
    });
    // The user removes Mailroom's access; the sweep notices.
    const { clientId } = await channelRow(db(), channelId);
    await emulatorFetch(emulator, `/_emulator/users/${MAILBOX}/consents/${clientId}`, { method: "DELETE" });
    await cancelWaitingSweeps(server, channelId);
    await runSyncChannelJob(jobDeps(server), { channelId, reason: "sweep" });
    expect((await channelRow(db(), channelId)).status).toBe("needs_reauth");
    const failed = await waitForOutbox(db(), stopped.id, ["failed"], 120_000);
    expect(failed.failureCode).toBe("channel_needs_reauth");
    // Meanwhile mail arrives and Graph drops one subscription.
    const missed = await deliver("Arrived while broken");
    const dropped = subsBefore[0]!;
    expect(
      (
        await emulatorFetch(emulator, `/_emulator/notifications/subscriptions/${dropped.id}/expire`, {
          method: "POST",
        })
      ).status,
    ).toBe(204);

    // Every member sees the banner's data and whom to ask; only owners and admins reconnect.
    const member = await join(server, admin, "agent@acme.test");
    const seen = await member.get<{
      channels: { id: string; reason: string }[];
      admins: { email: string }[];
      canReconnect: boolean;
    }>("/api/channels/attention");
    expect(seen.body).toMatchObject({
      channels: [{ id: channelId, reason: "consent_required" }],
      admins: [{ email: "owner@acme.test" }],
      canReconnect: false,
    });
    expect((await member.post(`/api/channels/${channelId}/reconnect`, {})).status).toBe(403);
    expect((await admin.post(`/api/channels/${crypto.randomUUID()}/reconnect`, {})).status).toBe(404);

    // Cancelled on Microsoft's consent page: back on the channel, still waiting.
    const cancelled = await reconnectThroughMicrosoft(
      admin,
      emulator,
      channelId,
      undefined,
      "channels",
      "cancel",
    );
    expect(cancelled.location).toBe(`/settings/channels/${channelId}?note=cancelled`);
    expect((await channelRow(db(), channelId)).status).toBe("needs_reauth");

    // Another mailbox signs in: refused, in plain words, and nothing changes.
    const stale = await channelRow(db(), channelId);
    const refused = await reconnectThroughMicrosoft(admin, emulator, channelId, CUSTOMER);
    const url = new URL(refused.location, server.url);
    expect(url.pathname).toBe("/outlook/problem/wrong_account");
    expect(Object.fromEntries(url.searchParams)).toEqual({
      from: "channels",
      expected: MAILBOX,
      got: CUSTOMER.login,
    });
    expect(await channelRow(db(), channelId)).toEqual(stale);
    expect((await auditOf(db(), channelId)).at(-1)).toMatchObject({ action: "reconnect_refused" });

    // The sign-in is pre-filled with the channel's address and forces no prompt.
    const { authorizeUrl, location } = await reconnectThroughMicrosoft(admin, emulator, channelId);
    const authorize = new URL(authorizeUrl);
    expect(authorize.searchParams.get("login_hint")).toBe(MAILBOX);
    expect(authorize.searchParams.has("prompt")).toBe(false);
    expect(location).toBe(`/settings/channels/${channelId}?reconnected=1`);
    const row = await channelRow(db(), channelId);
    expect({ id: row.id, status: row.status, reason: row.statusReason }).toEqual({
      id: channelId,
      status: "connected",
      reason: null,
    });
    expect(events).toContainEqual({
      type: "channels.attention",
      data: { channelId, status: "connected", reason: null },
    });
    expect((await auditOf(db(), channelId)).at(-1)).toMatchObject({ action: "reconnected" });
    expect((await admin.get<{ channels: unknown[] }>("/api/channels/attention")).body.channels).toEqual([]);

    // The catch-up round brings the missed mail; the dropped subscription is recreated.
    await waitFor(() => stored(missed.id), { what: "the mail that arrived while broken", timeoutMs: 90_000 });
    await syncAtRest(db(), channelId);
    const after = await kept();
    expect(after.settings).toEqual(before.settings);
    expect(after.aliases).toEqual(before.aliases);
    expect(after.links).toEqual(before.links);
    expect(after.initialCompleted).toEqual(before.initialCompleted);
    expect(after.conversations).toEqual(expect.arrayContaining(before.conversations));
    const subsAfter = await db().select().from(subscriptions).where(eq(subscriptions.channelId, channelId));
    expect(subsAfter).toHaveLength(2);
    expect(subsAfter.map((s) => s.id)).not.toContain(dropped.id);
    expect(subsAfter.map((s) => s.id)).toContain(subsBefore[1]!.id);

    // What the broken sign-in stopped goes out by itself, once, in the customer's mailbox.
    await waitForOutbox(db(), stopped.id, ["sent", "matched"], 90_000);
    const copies = await waitFor(
      async () => {
        const found = await withOutboxHeader(emulator, CUSTOMER.login, stopped.id, "inbox");
        return found.length ? found : undefined;
      },
      { what: "the stopped message delivered after the reconnect", timeoutMs: 60_000 },
    );
    expect(copies).toHaveLength(1);

    // New mail flows again, by notification.
    const fresh = await deliver("After the reconnect");
    await waitFor(() => stored(fresh.id), { what: "new mail after the reconnect", timeoutMs: 90_000 });
  });
});
