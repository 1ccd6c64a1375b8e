import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator/src/index.ts";
import { createOrg, signUp } from "./accounts-helpers.ts";
import { emulatorEnv, startTestEmulator } from "./emulator.ts";
import { startTestServer, type TestClient, type TestResponse, type TestServer } from "./harness.ts";
import {
  connectThroughMicrosoft,
  followCallback,
  type RegisteredApp,
  registerApp,
} from "./outlook-helpers.ts";

// No platform app configured: organisations bring their own Azure app (BYOC).
let emulator: Emulator;
let server: TestServer;
let app: RegisteredApp;
let admin: TestClient;
let member: TestClient;
const seen: TestResponse[] = [];

async function record<T>(p: Promise<TestResponse<T>>): Promise<TestResponse<T>> {
  const res = await p;
  seen.push(res as TestResponse);
  return res;
}

beforeAll(async () => {
  emulator = await startTestEmulator();
  server = await startTestServer(emulatorEnv(emulator));
  app = await registerApp(emulator, {
    redirectUris: [`${server.url}/api/outlook/oauth2/callback`],
    displayName: "Acme Mail Integration",
  });
  admin = await signUp(server, "admin@byoc.test");
  await createOrg(admin, "BYOC Co");
  const invite = await admin.post<{ invitation: { id: string } }>("/api/org/invitations", {
    email: "agent@byoc.test",
    role: "member",
  });
  member = await signUp(server, "agent@byoc.test");
  expect((await member.post(`/api/invitations/${invite.body.invitation.id}/accept`)).status).toBe(200);
});

afterAll(async () => {
  await server?.close();
  await emulator?.close();
});

describe("bring your own credentials", () => {
  it("offers the BYOC form when the server has no platform app", async () => {
    const res = await record(
      admin.get<{ platformAvailable: boolean; byoc: unknown }>("/api/outlook/connect-options"),
    );
    expect(res.body.platformAvailable).toBe(false);
    expect(res.body.byoc).toBeNull();
    const refused = await admin.post<{ code: string; title: string }>("/api/outlook/connect", {
      returnTo: "channels",
    });
    expect(refused.status).toBe(409);
    expect(refused.body.title).toBe("Add your Microsoft app credentials first.");
  });

  it("explains what is wrong with the form's fields", async () => {
    const res = await admin.put<{ fields: { field: string; message: string }[] }>(
      "/api/outlook/credentials",
      {
        clientId: "not-a-guid",
        clientSecret: app.secretId,
        redirectUriConfirmed: false,
      },
    );
    expect(res.status).toBe(400);
    const fields = Object.fromEntries(res.body.fields.map((f) => [f.field, f.message]));
    expect(fields.clientId).toMatch(/Application \(client\) ID/);
    expect(fields.clientSecret).toMatch(/secret's ID/);
    expect(fields.redirectUriConfirmed).toMatch(/redirect URI/);
  });

  it("answers saves racing removals (two admins) with the saved credentials or a refusal, never a 5xx", async () => {
    const body = { clientId: app.clientId, clientSecret: app.secret, redirectUriConfirmed: true };
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        i % 2
          ? admin.delete("/api/outlook/credentials")
          : admin.put<{ credentials: { clientId: string } | null }>("/api/outlook/credentials", body),
      ),
    );
    for (const [i, res] of answers.entries()) {
      if (i % 2) expect([204, 404]).toContain(res.status);
      else {
        expect(res.status).toBe(200);
        expect((res.body as { credentials: { clientId: string } }).credentials.clientId).toBe(app.clientId);
      }
    }
  });

  it("saves the credentials masked and connects through them", async () => {
    const saved = await record(
      admin.put<{ credentials: { clientId: string; secretHint: string } }>("/api/outlook/credentials", {
        clientId: app.clientId,
        clientSecret: app.secret,
        redirectUriConfirmed: true,
      }),
    );
    expect(saved.status).toBe(200);
    expect(saved.body.credentials.clientId).toBe(app.clientId);
    expect(saved.body.credentials.secretHint).toBe(`${app.secret.slice(0, 3)}••••••••`);

    const { page } = await connectThroughMicrosoft(admin, emulator);
    const location = await followCallback(admin, page);
    const channelId = location.split("/")[3]!;
    const channel = await record(
      admin.get<{ channel: { credentialSource: string; clientId: string; email: string } }>(
        `/api/channels/${channelId}`,
      ),
    );
    expect(channel.body.channel).toMatchObject({
      credentialSource: "byoc",
      clientId: app.clientId,
      email: "support@contoso.com",
    });

    const creds = await record(
      admin.get<{ credentials: { channels: { id: string }[] } }>("/api/outlook/credentials"),
    );
    expect(creds.body.credentials.channels.map((c) => c.id)).toEqual([channelId]);
    const removal = await admin.delete<{ title: string }>("/api/outlook/credentials");
    expect(removal.status).toBe(409);
    expect(removal.body.title).toMatch(/used by connected channels/);
  });

  it("refreshes aliases on demand", async () => {
    const list = await record(admin.get<{ channels: { id: string }[] }>("/api/channels"));
    const id = list.body.channels[0]!.id;
    const res = await record(
      admin.post<{ aliases: { address: string }[] }>(`/api/channels/${id}/aliases/refresh`),
    );
    expect(res.status).toBe(200);
    expect(res.body.aliases.map((a) => a.address)).toContain("help@contoso.com");
  });

  it("refreshes aliases several times at once without a conflict (two admins clicking together)", async () => {
    const id = (await admin.get<{ channels: { id: string }[] }>("/api/channels")).body.channels[0]!.id;
    const path = `/api/channels/${id}/aliases/refresh`;
    const answers = await Promise.all(
      Array.from({ length: 4 }, () => admin.post<{ aliases: { address: string }[] }>(path)),
    );
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    for (const a of answers) expect(a.body.aliases.map((x) => x.address)).toContain("help@contoso.com");
  });

  it("validates and saves channel settings", async () => {
    const id = (await admin.get<{ channels: { id: string }[] }>("/api/channels")).body.channels[0]!.id;
    const bad = await admin.patch<{ fields: { field: string }[] }>(`/api/channels/${id}`, {
      undoSendSeconds: 31,
      autoBcc: "nope",
    });
    expect(bad.status).toBe(400);
    expect(bad.body.fields.map((f) => f.field).sort()).toEqual(["autoBcc", "undoSendSeconds"]);
    const ok = await record(
      admin.patch<{
        channel: { displayName: string; undoSendSeconds: number; autoBcc: string; signature: string };
      }>(`/api/channels/${id}`, {
        displayName: "Acme Support",
        signature: "— The Acme team",
        autoBcc: "archive@acme.test",
        undoSendSeconds: 30,
      }),
    );
    expect(ok.status).toBe(200);
    expect(ok.body.channel).toMatchObject({
      displayName: "Acme Support",
      undoSendSeconds: 30,
      autoBcc: "archive@acme.test",
      signature: "— The Acme team",
    });
  });
});

describe("members", () => {
  it("cannot connect, change settings or read credentials — and are told to ask an admin", async () => {
    const options = await record(
      member.get<{ canConnect: boolean; byoc: unknown }>("/api/outlook/connect-options"),
    );
    expect(options.body.canConnect).toBe(false);
    expect(options.body.byoc).toBeNull();
    const id = (await member.get<{ channels: { id: string }[] }>("/api/channels")).body.channels[0]!.id;
    for (const res of [
      await member.post<{ title: string }>("/api/outlook/connect", { returnTo: "channels" }),
      await member.patch<{ title: string }>(`/api/channels/${id}`, { displayName: "Mine now" }),
      await member.get<{ title: string }>("/api/outlook/credentials"),
      await member.put<{ title: string }>("/api/outlook/credentials", {
        clientId: app.clientId,
        clientSecret: "x",
        redirectUriConfirmed: true,
      }),
      await member.delete<{ title: string }>(`/api/channels/${id}`),
    ]) {
      expect(res.status).toBe(403);
      expect(res.body.title).toMatch(/ask your admin/i);
    }
  });
});

describe("secrets", () => {
  it("never appear in any API response", async () => {
    const rows = await server.database.db.execute<{
      access_token_sealed: string;
      refresh_token_sealed: string;
    }>("select access_token_sealed, refresh_token_sealed from channels");
    expect(rows.rows.length).toBeGreaterThan(0);
    const payloads = seen.map((r) => JSON.stringify(r.body));
    expect(payloads.length).toBeGreaterThan(5);
    for (const text of payloads) {
      expect(text).not.toContain(app.secret);
      expect(text).not.toMatch(/refresh_?token|access_?token|Sealed|v1\.k/i);
      expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\./); // no JWT
    }
  });
});
