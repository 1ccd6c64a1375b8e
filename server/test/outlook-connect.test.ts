import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pageText } from "../../emulator/src/identity/sign-in-driver.ts";
import type { Emulator } from "../../emulator/src/index.ts";
import { createOrg, signUp } from "./accounts-helpers.ts";
import { startTestEmulator } from "./emulator.ts";
import type { TestClient, TestServer } from "./harness.ts";
import { LogCapture } from "./log-capture.ts";
import {
  CUSTOMER,
  connectThroughMicrosoft,
  followCallback,
  type RegisteredApp,
  registerApp,
  SUPPORT,
  startServerWithPlatformApp,
} from "./outlook-helpers.ts";

interface ChannelBody {
  id: string;
  email: string;
  status: string;
  credentialSource: string;
  clientId: string;
  inboxes: { id: string; name: string }[];
  aliases?: { address: string; isPrimary: boolean; source: string }[];
}

let emulator: Emulator;
let server: TestServer;
let platform: RegisteredApp;
let admin: TestClient;
/** The server's log at info level, access log included. */
const logs = new LogCapture("info");

beforeAll(async () => {
  emulator = await startTestEmulator();
  ({ server, platform } = await startServerWithPlatformApp(emulator, { displayName: "Mailroom", logs }));
  admin = await signUp(server, "owner@acme.test");
  await createOrg(admin, "Acme");
});

afterAll(async () => {
  await server?.close();
  await emulator?.close();
});

describe("connecting Outlook with the platform app", () => {
  it("shows the permissions and the redirect URI before leaving for Microsoft", async () => {
    const res = await admin.get<{
      platformAvailable: boolean;
      canConnect: boolean;
      redirectUri: string;
      permissions: { scope: string }[];
    }>("/api/outlook/connect-options");
    expect(res.status).toBe(200);
    expect(res.body.platformAvailable).toBe(true);
    expect(res.body.canConnect).toBe(true);
    expect(res.body.redirectUri).toBe(`${server.url}/api/outlook/oauth2/callback`);
    expect(res.body.permissions.map((p) => p.scope)).toEqual(["Mail.ReadWrite", "Mail.Send", "User.Read"]);
  });

  it("asks Microsoft for the right scopes with PKCE S256 and a random state", async () => {
    const res = await admin.post<{ authorizeUrl: string }>("/api/outlook/connect", { returnTo: "channels" });
    const url = new URL(res.body.authorizeUrl);
    expect(url.origin).toBe(emulator.url);
    expect(url.pathname).toBe("/common/oauth2/v2.0/authorize");
    expect(url.searchParams.get("client_id")).toBe(platform.clientId);
    expect(url.searchParams.get("code_challenge_method")).toBe("S256");
    expect(url.searchParams.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url.searchParams.get("state")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url.searchParams.get("scope")!.split(" ")).toEqual(
      expect.arrayContaining(["offline_access", "Mail.ReadWrite", "Mail.Send", "User.Read", "openid"]),
    );
  });

  it("connects the mailbox, stores its aliases and lands in the default inbox", async () => {
    const { page } = await connectThroughMicrosoft(admin, emulator);
    const location = await followCallback(admin, page);
    expect(location).toMatch(/^\/settings\/channels\/[0-9a-f-]{36}\/connected$/);
    const channelId = location.split("/")[3]!;

    const res = await admin.get<{ channel: ChannelBody }>(`/api/channels/${channelId}`);
    expect(res.status).toBe(200);
    const channel = res.body.channel;
    expect(channel).toMatchObject({
      email: "support@contoso.com",
      status: "connected",
      credentialSource: "platform",
      clientId: platform.clientId,
    });
    expect(channel.inboxes.map((i) => i.name)).toEqual(["Shared inbox"]);
    const primary = channel.aliases!.filter((a) => a.isPrimary).map((a) => a.address);
    expect(primary).toEqual(["support@contoso.com"]);
    expect(channel.aliases!.map((a) => a.address)).toEqual(
      expect.arrayContaining(["help@contoso.com", "billing@contoso.com"]),
    );
    expect(channel.aliases!.every((a) => a.address.includes("@"))).toBe(true);
  });

  it("keeps the authorization code, state and session_state out of the log", async () => {
    const { page } = await connectThroughMicrosoft(admin, emulator);
    const callback = new URL(page.location!);
    const secrets = ["code", "state", "session_state"].map((name) => callback.searchParams.get(name));
    expect(secrets.every((s) => s && s.length >= 16)).toBe(true);
    const before = logs.raw.length;
    expect(await followCallback(admin, page)).toMatch(/\/connected$/);
    const lines = logs.raw.slice(before);
    // The access log did record the callback, with its query string redacted.
    expect(lines.some((l) => l.includes("/api/outlook/oauth2/callback"))).toBe(true);
    for (const secret of secrets) expect(logs.raw.filter((l) => l.includes(secret!))).toEqual([]);
  });

  it("keeps Graph's validationToken out of the log", async () => {
    const token = "validation-token-3f9c2a7e51d04b68";
    const res = await fetch(`${server.url}/api/outlook/webhook?validationToken=${token}`, { method: "POST" });
    expect(await res.text()).toBe(token);
    expect(logs.raw.some((l) => l.includes("/api/outlook/webhook"))).toBe(true);
    expect(logs.raw.filter((l) => l.includes(token))).toEqual([]);
  });

  it("keeps one channel when the same mailbox is connected twice", async () => {
    const { page } = await connectThroughMicrosoft(admin, emulator);
    await followCallback(admin, page);
    const res = await admin.get<{ channels: ChannelBody[] }>("/api/channels");
    expect(res.body.channels.filter((c) => c.email === "support@contoso.com")).toHaveLength(1);
  });

  it("returns to onboarding with the channel when started there", async () => {
    const { page } = await connectThroughMicrosoft(admin, emulator, {
      returnTo: "onboarding",
      account: CUSTOMER,
    });
    const location = await followCallback(admin, page);
    expect(location).toMatch(/^\/onboarding\?step=connect&connected=[0-9a-f-]{36}$/);
  });

  it("sends a cancelled consent back to where the person started, with a note", async () => {
    const fresh = await signUp(server, "cancel@acme.test");
    await createOrg(fresh, "Cancel Co");
    // People who have never consented to the app, so Microsoft shows the consent page.
    const alex = { login: "alex@contoso.com", password: SUPPORT.password };
    const camille = { login: "camille.dubois@contoso.com", password: SUPPORT.password };
    const { page } = await connectThroughMicrosoft(fresh, emulator, { consent: "cancel", account: alex });
    expect(await followCallback(fresh, page)).toBe("/settings/channels/new?note=cancelled");
    const onboarding = await connectThroughMicrosoft(fresh, emulator, {
      consent: "cancel",
      returnTo: "onboarding",
      account: camille,
    });
    expect(await followCallback(fresh, onboarding.page)).toBe("/onboarding?step=connect&note=cancelled");
    expect((await fresh.get<{ channels: unknown[] }>("/api/channels")).body.channels).toHaveLength(0);
  });
});

describe("the OAuth state", () => {
  async function channelCount(client: TestClient) {
    return (await client.get<{ channels: unknown[] }>("/api/channels")).body.channels.length;
  }

  it("refuses a replayed state, with no change", async () => {
    const client = await signUp(server, "replay@acme.test");
    await createOrg(client, "Replay Co");
    const { page } = await connectThroughMicrosoft(client, emulator);
    const first = await followCallback(client, page);
    expect(first).toMatch(/connected$/);
    expect(await followCallback(client, page)).toBe("/outlook/problem/state_invalid?from=channels");
    expect(await channelCount(client)).toBe(1);
  });

  it("refuses a tampered state", async () => {
    const client = await signUp(server, "tamper@acme.test");
    await createOrg(client, "Tamper Co");
    const { page } = await connectThroughMicrosoft(client, emulator);
    const url = new URL(page.location!);
    const state = url.searchParams.get("state")!;
    url.searchParams.set("state", `${state.slice(0, -2)}${state.endsWith("AA") ? "BB" : "AA"}`);
    const res = await client.get(`${url.pathname}${url.search}`);
    expect(res.headers.get("location")).toBe("/outlook/problem/state_invalid?from=channels");
    expect(await channelCount(client)).toBe(0);
  });

  it("refuses a state completed by a user of another organisation", async () => {
    const starter = await signUp(server, "starter@acme.test");
    await createOrg(starter, "Starter Co");
    const intruder = await signUp(server, "intruder@evil.test");
    await createOrg(intruder, "Evil Co");
    const { page } = await connectThroughMicrosoft(starter, emulator);
    expect(await followCallback(intruder, page)).toBe("/outlook/problem/state_invalid?from=channels");
    expect(await channelCount(intruder)).toBe(0);
    expect(await channelCount(starter)).toBe(0);
  });

  it("refuses an expired state", async () => {
    const client = await signUp(server, "late@acme.test");
    await createOrg(client, "Late Co");
    const { page } = await connectThroughMicrosoft(client, emulator);
    await server.database.db.execute("update oauth_states set expires_at = now() - interval '1 second'");
    expect(await followCallback(client, page)).toBe("/outlook/problem/state_invalid?from=channels");
    expect(await channelCount(client)).toBe(0);
  });
});

describe("problems a person can fix", () => {
  it("shows the redirect URI mismatch on Microsoft's page and never comes back", async () => {
    const client = await signUp(server, "mismatch@acme.test");
    await createOrg(client, "Mismatch Co");
    const wrong = await registerApp(emulator, {
      redirectUris: [`${server.url}/api/outlook/oauth2/callback/`],
    });
    const saved = await client.put("/api/outlook/credentials", {
      clientId: wrong.clientId,
      clientSecret: wrong.secret,
      redirectUriConfirmed: true,
    });
    expect(saved.status).toBe(200);
    const { page } = await connectThroughMicrosoft(client, emulator, { credentials: "byoc" });
    expect(page.location).toBeNull();
    expect(pageText(page)).toContain("AADSTS50011");
  });

  it("sends a wrong client secret to its own page", async () => {
    const client = await signUp(server, "secret@acme.test");
    await createOrg(client, "Secret Co");
    const app = await registerApp(emulator, { redirectUris: [`${server.url}/api/outlook/oauth2/callback`] });
    await client.put("/api/outlook/credentials", {
      clientId: app.clientId,
      clientSecret: `${app.secret}x`,
      redirectUriConfirmed: true,
    });
    const { page } = await connectThroughMicrosoft(client, emulator, { credentials: "byoc" });
    expect(await followCallback(client, page)).toBe("/outlook/problem/invalid_client_secret?from=channels");
    expect((await client.get<{ channels: unknown[] }>("/api/channels")).body.channels).toHaveLength(0);
  });

  it("shows an unknown app on Microsoft's page (AADSTS700016)", async () => {
    const client = await signUp(server, "unknown@acme.test");
    await createOrg(client, "Unknown Co");
    await client.put("/api/outlook/credentials", {
      clientId: "0a0b0c0d-1111-2222-3333-444455556666",
      clientSecret: "abc8Q~not-a-real-secret",
      redirectUriConfirmed: true,
    });
    const { page } = await connectThroughMicrosoft(client, emulator, { credentials: "byoc" });
    expect(page.location).toBeNull();
    expect(pageText(page)).toContain("AADSTS700016");
  });
});
