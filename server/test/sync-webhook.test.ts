import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { Emulator } from "../../emulator/src/index.ts";
import { emulatorFetch, jsonInit } from "../../emulator/src/testing/emulator-fetch.ts";
import { messages } from "../src/mail/schema.ts";
import { clientStateContext } from "../src/sync/channel-subscriptions.ts";
import { subscriptions } from "../src/sync/schema.ts";
import { createOrg, signUp } from "./accounts-helpers.ts";
import { emulatorEnv, startTestEmulator } from "./emulator.ts";
import { freePort, startTestServer, type TestClient, type TestServer } from "./harness.ts";
import { connectThroughMicrosoft, followCallback, registerApp } from "./outlook-helpers.ts";
import { waitFor } from "./wait-for.ts";

let emulator: Emulator;
let server: TestServer;
let admin: TestClient;
let channelId: string;

const emulatorSubscriptions = z.object({
  value: z.array(z.object({ id: z.string(), folderId: z.string().optional() }).loose()),
});

beforeAll(async () => {
  emulator = await startTestEmulator();
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const platform = await registerApp(emulator, {
    redirectUris: [`${publicUrl}/api/outlook/oauth2/callback`],
  });
  server = await startTestServer({
    ...emulatorEnv(emulator),
    PORT: String(port),
    PUBLIC_URL: publicUrl,
    MICROSOFT_CLIENT_ID: platform.clientId,
    MICROSOFT_CLIENT_SECRET: platform.secret,
  });
  admin = await signUp(server, "owner@acme.test");
  await createOrg(admin, "Acme");
  const { page } = await connectThroughMicrosoft(admin, emulator);
  channelId = (await followCallback(admin, page)).split("/")[3]!;
});

afterAll(async () => {
  await server?.close();
  await emulator?.close();
});

async function atEmulator() {
  const res = await emulatorFetch(emulator, "/_emulator/notifications/subscriptions");
  return emulatorSubscriptions.parse(await res.json()).value;
}

async function stored() {
  return server.database.db.select().from(subscriptions).where(eq(subscriptions.channelId, channelId));
}

/** Every sync-channel job pg-boss has ever held for this run (created, active or completed). */
async function syncJobsCreated(): Promise<number> {
  const result = await server.database.db.execute(
    sql`select count(*)::int as n from pgboss.job where name = 'sync-channel'`,
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

  it("subscribes Inbox and Sent Items through the subscription-upkeep job", async () => {
    await server.mailroom.queue.send("subscription-upkeep", { action: "subscribe", channelId });
    const rows = await waitFor(async () => ((await stored()).length === 2 ? stored() : undefined), {
      what: "two stored subscriptions",
    });
    expect(rows.map((r) => r.folder).sort()).toEqual(["inbox", "sentitems"]);
    const remote = await atEmulator();
    expect(remote.map((s) => s.id).sort()).toEqual(rows.map((r) => r.id).sort());
    for (const row of rows) expect(row.clientStateSealed).not.toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it("stores inbound mail through notification → webhook → job → delta", async () => {
    const res = await emulatorFetch(
      emulator,
      "/_emulator/mailboxes/support@contoso.com/inbound",
      jsonInit("POST", {
        from: { name: "Dana Customer", address: "dana@example.net" },
        subject: "Pushed to us",
        text: "Hello",
      }),
    );
    expect(res.status).toBe(201);
    const { id } = z.object({ id: z.string() }).parse(await res.json());
    const row = await waitFor(
      async () =>
        (
          await server.database.db
            .select()
            .from(messages)
            .where(and(eq(messages.channelId, channelId), eq(messages.graphId, id)))
        )[0],
      { what: "the pushed message in messages", timeoutMs: 15_000 },
    );
    expect(row.subject).toBe("Pushed to us");
  });

  it("ignores spoofed and unknown notifications, answering 202 all the same", async () => {
    const [real] = await stored();
    // Let syncs from earlier notifications settle before counting.
    await new Promise((r) => setTimeout(r, 300));
    const before = await syncJobsCreated();
    const note = (subscriptionId: string, clientState: string) =>
      JSON.stringify({ value: [{ subscriptionId, clientState, changeType: "created", resource: "x" }] });
    expect((await post("/api/outlook/webhook", note(real!.id, "not-the-secret"))).status).toBe(202);
    expect((await post("/api/outlook/webhook", note("no-such-subscription", "whatever"))).status).toBe(202);
    const lifecycle = JSON.stringify({
      value: [{ subscriptionId: real!.id, clientState: "wrong", lifecycleEvent: "missed" }],
    });
    expect((await post("/api/outlook/lifecycle", lifecycle)).status).toBe(202);
    expect(await syncJobsCreated()).toBe(before);

    // The control: the same body with the real clientState does enqueue a sync.
    const secret = server.mailroom.secretBox.open(real!.clientStateSealed, clientStateContext(real!.id));
    expect((await post("/api/outlook/webhook", note(real!.id, secret))).status).toBe(202);
    expect(await syncJobsCreated()).toBe(before + 1);
  });

  it("refuses malformed and oversized bodies with a 4xx, never a 5xx", async () => {
    expect((await post("/api/outlook/webhook", "{not json")).status).toBe(400);
    expect((await post("/api/outlook/webhook", JSON.stringify({ value: "nope" }))).status).toBe(400);
    expect((await post("/api/outlook/lifecycle", JSON.stringify({ value: [{}] }))).status).toBe(400);
    const huge = JSON.stringify({ value: [{ subscriptionId: "x", pad: "a".repeat(300 * 1024) }] });
    expect((await post("/api/outlook/webhook", huge)).status).toBe(413);
    const odd = await post("/api/outlook/webhook", "hello", "text/plain");
    expect(odd.status).toBeGreaterThanOrEqual(400);
    expect(odd.status).toBeLessThan(500);
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
