import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { Emulator } from "../../emulator/src/index.ts";
import { emulatorFetch, jsonInit } from "../../emulator/src/testing/emulator-fetch.ts";
import { messages } from "../src/mail/schema.ts";
import { subscriptions } from "../src/sync/subscriptions/schema.ts";
import { clientStateContext } from "../src/sync/subscriptions/subscription-store.ts";
import type { TestClient, TestServer } from "./harness.ts";
import { startConnectedMailbox, syncAtRest } from "./outlook-helpers.ts";
import { waitFor } from "./wait-for.ts";

let emulator: Emulator;
let server: TestServer;
let admin: TestClient;
let channelId: string;

const emulatorSubscriptions = z.object({
  value: z.array(z.object({ id: z.string(), folderId: z.string().optional() }).loose()),
});

beforeAll(async () => {
  ({ emulator, server, admin, channelId } = await startConnectedMailbox());
});

afterAll(async () => {
  await server?.close();
  await emulator?.close();
});

async function atEmulator() {
  const res = await emulatorFetch(emulator, "/_emulator/notifications/subscriptions");
  return emulatorSubscriptions.parse(await res.json()).value;
}

/** Waits until the emulator has no notification waiting or in flight (a condition, not a sleep). */
async function notificationsSettled() {
  await waitFor(
    async () => {
      const res = await emulatorFetch(emulator, "/_emulator/notifications");
      const { totals } = z
        .object({ totals: z.object({ pending: z.number() }).loose() })
        .parse(await res.json());
      return totals.pending === 0;
    },
    { what: "no notification pending at the emulator" },
  );
}

/**
 * Waits until no sync job is running or due soon (a scheduled sweep's job may wait out its spread
 * for minutes; it is not "in progress" and must not hold the test up).
 */
async function syncsSettled() {
  await syncAtRest(server.database.db, channelId);
}

/** What the emulator's mailbox holds in Inbox and Sent Items (its control API, not Graph). */
async function mailboxIds() {
  const ids: string[] = [];
  for (const folder of ["inbox", "sentitems"]) {
    const res = await emulatorFetch(
      emulator,
      `/_emulator/mailboxes/support@contoso.com/messages?folder=${folder}`,
    );
    ids.push(
      ...z
        .object({ value: z.array(z.object({ id: z.string() })) })
        .parse(await res.json())
        .value.map((m) => m.id),
    );
  }
  return ids.sort();
}

async function storedIds() {
  const rows = await server.database.db
    .select({ graphId: messages.graphId })
    .from(messages)
    .where(eq(messages.channelId, channelId));
  return rows.map((r) => r.graphId).sort();
}

async function deliver(subject: string): Promise<string> {
  const res = await emulatorFetch(
    emulator,
    "/_emulator/mailboxes/support@contoso.com/inbound",
    jsonInit("POST", {
      from: { name: "Dana Customer", address: "dana@example.net" },
      subject,
      text: "Hello",
    }),
  );
  expect(res.status).toBe(201);
  return z.object({ id: z.string() }).parse(await res.json()).id;
}

async function fault(body: Record<string, unknown>) {
  const res = await emulatorFetch(emulator, "/_emulator/notifications/faults", jsonInit("POST", body));
  expect(res.status).toBe(201);
}

/** The store equals the mailbox: every message once, none missing, none extra. */
async function storeMatchesMailbox(what: string) {
  const expected = await mailboxIds();
  await waitFor(async () => (await storedIds()).length === expected.length, { what, timeoutMs: 60_000 });
  expect(await storedIds()).toEqual(expected);
}

async function stored() {
  return server.database.db.select().from(subscriptions).where(eq(subscriptions.channelId, channelId));
}

/**
 * Every job of a kind pg-boss has ever held for this run (created, active or completed), but for the
 * safety nets that come on their own schedule (the sweep, the catch-up at start): requests made no
 * work when this number stays the same.
 */
async function jobsCreated(name = "sync-channel"): Promise<number> {
  const result = await server.database.db.execute(
    sql`select count(*)::int as n from pgboss.job
        where name = ${name} and coalesce(singleton_key, '') not like 'sweep:%'
          and coalesce(singleton_key, '') not like 'catch-up:%'`,
  );
  return z.object({ n: z.number() }).parse(result.rows[0]).n;
}

function post(path: string, body: string, contentType = "application/json") {
  return fetch(`${server.url}${path}`, { method: "POST", headers: { "content-type": contentType }, body });
}

describe("Graph change notifications", () => {
  it("answers the validation handshake with exactly the decoded token, as plain text", async () => {
    const token = "Validation: Testing client application reachability <b>x</b> & 1+1";
    for (const path of ["/api/outlook/webhook", "/api/outlook/lifecycle"]) {
      const res = await fetch(`${server.url}${path}?validationToken=${encodeURIComponent(token)}`, {
        method: "POST",
        headers: { "content-type": "text/plain" },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("text/plain; charset=utf-8");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(await res.text()).toBe(token);
    }
  });

  it("subscribes Inbox and Sent Items at connect, with sealed clientStates", async () => {
    const rows = await waitFor(
      async () => {
        const all = await stored();
        const folders = all.map((r) => r.folder).sort();
        return folders.join() === "inbox,sentitems" ? all : undefined;
      },
      { what: "the Inbox and Sent Items subscriptions" },
    );
    const remote = await atEmulator();
    expect(remote.map((s) => s.id).sort()).toEqual(rows.map((r) => r.id).sort());
    for (const row of rows) expect(row.clientStateSealed).not.toMatch(/^[A-Za-z0-9_-]{43}$/);
    await storeMatchesMailbox("the first sync");
  });

  it("stores inbound mail through notification → webhook → job → delta", async () => {
    const id = await deliver("Pushed to us");
    const row = await waitFor(
      async () =>
        (
          await server.database.db
            .select()
            .from(messages)
            .where(and(eq(messages.channelId, channelId), eq(messages.graphId, id)))
        )[0],
      { what: "the pushed message in messages", timeoutMs: 60_000 },
    );
    expect(row.subject).toBe("Pushed to us");
  });

  it("stores every message once when notifications come twice", async () => {
    await fault({ kind: "duplicate", count: 3 });
    for (const n of [1, 2, 3]) await deliver(`Duplicated ${n}`);
    await notificationsSettled();
    await syncsSettled();
    await storeMatchesMailbox("the duplicated ones, once each");
  });

  it("loses nothing when a notification is dropped: the next one's delta brings both", async () => {
    await fault({ kind: "drop", count: 1 });
    const dropped = await deliver("Never announced");
    const announced = await deliver("Announced");
    await waitFor(async () => (await storedIds()).includes(announced), { what: "the announced one" });
    expect(await storedIds()).toContain(dropped);
    await storeMatchesMailbox("the dropped one too");
  });

  it("stores every message once when notifications arrive out of order", async () => {
    await fault({ kind: "reorder", window: 4 });
    for (const n of [1, 2, 3, 4]) await deliver(`Reordered ${n}`);
    await notificationsSettled();
    await storeMatchesMailbox("the reordered ones, once each");
  });

  it("ignores spoofed and unknown notifications, answering 202 all the same", async () => {
    const rows = await stored();
    const inbox = rows.find((r) => r.folder === "inbox")!;
    const sent = rows.find((r) => r.folder === "sentitems")!;
    const secretOf = (row: typeof inbox) =>
      server.mailroom.secretBox.open(row.clientStateSealed, clientStateContext(row.id));
    await notificationsSettled();
    await syncsSettled();
    const before = { sync: await jobsCreated(), upkeep: await jobsCreated("subscription-upkeep") };
    const note = (subscriptionId: string, clientState?: string) =>
      JSON.stringify({
        value: [
          {
            subscriptionId,
            ...(clientState === undefined ? {} : { clientState }),
            changeType: "created",
            resource: "x",
          },
        ],
      });
    const lifecycle = (subscriptionId: string, clientState: string, lifecycleEvent: string) =>
      JSON.stringify({ value: [{ subscriptionId, clientState, lifecycleEvent }] });

    const spoofs: [string, string][] = [
      // A wrong clientState for a real subscription.
      ["/api/outlook/webhook", note(inbox.id, "not-the-secret")],
      // No clientState at all.
      ["/api/outlook/webhook", note(inbox.id)],
      // A forged body for a real subscription id, with another subscription's (real) clientState.
      ["/api/outlook/webhook", note(inbox.id, secretOf(sent))],
      // The right length, the wrong bytes.
      ["/api/outlook/webhook", note(inbox.id, "x".repeat(secretOf(inbox).length))],
      // An unknown subscription id, with a real clientState.
      ["/api/outlook/webhook", note("no-such-subscription", secretOf(inbox))],
      // Forged lifecycle events would make us reauthorize, recreate or sync.
      ["/api/outlook/lifecycle", lifecycle(inbox.id, "wrong", "missed")],
      ["/api/outlook/lifecycle", lifecycle(inbox.id, secretOf(sent), "subscriptionRemoved")],
      ["/api/outlook/lifecycle", lifecycle(sent.id, "wrong", "reauthorizationRequired")],
    ];
    for (const [path, body] of spoofs) expect((await post(path, body)).status).toBe(202);
    expect(await jobsCreated()).toBe(before.sync);
    expect(await jobsCreated("subscription-upkeep")).toBe(before.upkeep);
    expect((await stored()).map((r) => r.id).sort()).toEqual(rows.map((r) => r.id).sort());

    // The control: the same body with the real clientState does enqueue a sync.
    expect((await post("/api/outlook/webhook", note(inbox.id, secretOf(inbox)))).status).toBe(202);
    // Intake coalesces a burst into one send a few milliseconds later.
    await waitFor(async () => (await jobsCreated()) === before.sync + 1, { what: "the real one's sync" });
  });

  it("refuses malformed and oversized bodies with a 4xx, never a 5xx, and does no work", async () => {
    await syncsSettled();
    const before = await jobsCreated();
    expect((await post("/api/outlook/webhook", "{not json")).status).toBe(400);
    const malformed = await post("/api/outlook/webhook", JSON.stringify({ value: "nope" }));
    expect(malformed.status).toBe(400);
    // The one error shape of the whole API, not a shape of its own.
    expect(await malformed.json()).toMatchObject({
      code: "bad_request",
      status: 400,
      title: "Malformed notification",
    });
    expect((await post("/api/outlook/lifecycle", JSON.stringify({ value: [{}] }))).status).toBe(400);
    const huge = JSON.stringify({ value: [{ subscriptionId: "x", pad: "a".repeat(300 * 1024) }] });
    expect((await post("/api/outlook/webhook", huge)).status).toBe(413);
    const odd: [string, string, string?][] = [
      ["/api/outlook/webhook", "hello", "text/plain"],
      ["/api/outlook/webhook", ""],
      ["/api/outlook/webhook", "null"],
      ["/api/outlook/webhook", "[]"],
      ["/api/outlook/webhook", JSON.stringify({ value: [] })],
      ["/api/outlook/webhook", JSON.stringify({ value: [null] })],
      ["/api/outlook/webhook", JSON.stringify({ value: [{ subscriptionId: 42 }] })],
      ["/api/outlook/webhook", JSON.stringify({ value: [{ subscriptionId: "s".repeat(5000) }] })],
      [
        "/api/outlook/lifecycle",
        JSON.stringify({ value: [{ subscriptionId: "x", lifecycleEvent: "explode" }] }),
      ],
      ["/api/outlook/lifecycle", "<xml/>", "application/xml"],
      ["/api/outlook/webhook", '{"__proto__":{"polluted":true},"value":[]}'],
    ];
    for (const [path, body, type] of odd) {
      const res = await post(path, body, type);
      expect([400, 202, 413, 415], `${path} ${body.slice(0, 40)} → ${res.status}`).toContain(res.status);
    }
    expect(await jobsCreated()).toBe(before);
  });

  it("deletes the subscriptions at Microsoft on disconnect", async () => {
    const ids = (await stored()).map((r) => r.id);
    expect(ids).toHaveLength(2);
    const res = await admin.delete(`/api/channels/${channelId}`);
    expect(res.status).toBe(204);
    const remaining = (await atEmulator()).filter((s) => ids.includes(s.id));
    expect(remaining).toEqual([]);
    expect(await stored()).toEqual([]);
  });
});
