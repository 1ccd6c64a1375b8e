import { sql } from "drizzle-orm";
import { expect } from "vitest";
import { z } from "zod";
import { type Page, signIn } from "../../emulator/src/identity/sign-in-driver.ts";
import type { Emulator } from "../../emulator/src/index.ts";
import { emulatorFetch, jsonInit } from "../../emulator/src/testing/emulator-fetch.ts";
import { createOrg, signUp } from "./accounts-helpers.ts";
import { emulatorEnv, startTestEmulator } from "./emulator.ts";
import { freePort, startTestServer, type TestClient, type TestServer } from "./harness.ts";
import type { LogCapture } from "./log-capture.ts";

export { syncAtRest } from "./sync-at-rest.ts";

export const SUPPORT = { login: "support@contoso.com", password: "Passw0rd!" };
export const CUSTOMER = { login: "customer@fabrikam.com", password: "Passw0rd!" };

export interface RegisteredApp {
  clientId: string;
  secret: string;
  secretId: string;
}

/** Registers an app in the emulator through its control API, as an admin would in Azure. */
export async function registerApp(
  emulator: Emulator,
  options: { redirectUris: string[]; displayName?: string; signInAudience?: string; tenant?: string },
): Promise<RegisteredApp> {
  const res = await emulatorFetch(
    emulator,
    "/_emulator/apps",
    jsonInit("POST", {
      displayName: options.displayName ?? "Mailroom test app",
      redirectUris: options.redirectUris,
      signInAudience: options.signInAudience ?? "AzureADandPersonalMicrosoftAccount",
      ...(options.tenant ? { tenant: options.tenant } : {}),
    }),
  );
  const body = (await res.json()) as { clientId: string; secret: { id: string; value: string } };
  expect(res.status, JSON.stringify(body)).toBe(201);
  return { clientId: body.clientId, secret: body.secret.value, secretId: body.secret.id };
}

/** POST /api/outlook/connect, then the emulator's sign-in + consent; returns Microsoft's last page. */
export async function connectThroughMicrosoft(
  client: TestClient,
  emulator: Emulator,
  options: {
    returnTo?: "onboarding" | "channels";
    credentials?: "platform" | "byoc";
    account?: typeof SUPPORT;
    consent?: "accept" | "cancel";
  } = {},
): Promise<{ authorizeUrl: string; page: Page }> {
  const res = await client.post<{ authorizeUrl: string }>("/api/outlook/connect", {
    returnTo: options.returnTo ?? "channels",
    ...(options.credentials ? { credentials: options.credentials } : {}),
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const account = options.account ?? SUPPORT;
  const page = await signIn(emulator, res.body.authorizeUrl, {
    ...account,
    consent: options.consent ?? "accept",
  });
  return { authorizeUrl: res.body.authorizeUrl, page };
}

/** Follows Microsoft's redirect to our callback in the same browser; returns where we sent it. */
export async function followCallback(client: TestClient, page: Page): Promise<string> {
  expect(page.location, `Microsoft did not redirect: ${page.status}`).toBeTruthy();
  const url = new URL(page.location!);
  const res = await client.get(`${url.pathname}${url.search}`);
  expect(res.status).toBe(302);
  return res.headers.get("location")!;
}

export interface ConnectedMailbox {
  emulator: Emulator;
  server: TestServer;
  /** owner@acme.test, signed in, owner of "Acme": the one who connected the mailbox. */
  admin: TestClient;
  orgId: string;
  channelId: string;
}

/**
 * A server whose platform app is registered in the emulator, redirecting to the server's own
 * PUBLIC_URL (a free port picked first, so the redirect URI is known before the server starts).
 */
export async function startServerWithPlatformApp(
  emulator: Emulator,
  options: {
    env?: Record<string, string> | undefined;
    displayName?: string;
    logs?: LogCapture | undefined;
  } = {},
): Promise<{ server: TestServer; platform: RegisteredApp }> {
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const platform = await registerApp(emulator, {
    redirectUris: [`${publicUrl}/api/outlook/oauth2/callback`],
    ...(options.displayName ? { displayName: options.displayName } : {}),
  });
  const server = await startTestServer(
    {
      ...emulatorEnv(emulator),
      PORT: String(port),
      PUBLIC_URL: publicUrl,
      MICROSOFT_CLIENT_ID: platform.clientId,
      MICROSOFT_CLIENT_SECRET: platform.secret,
      ...options.env,
    },
    { logs: options.logs },
  );
  return { server, platform };
}

/**
 * The setup the sync tests share, in one place: an emulator, a server registered with it as the
 * platform app, an org, and SUPPORT's mailbox connected through Microsoft's sign-in and consent.
 * If a step fails, what it started is closed; otherwise the caller closes the server, then the emulator.
 */
export async function startConnectedMailbox(
  options: {
    /** The caller's emulator (seeded first, or shared by several servers); else a new one. */
    emulator?: Emulator;
    /** Server env on top of the emulator's and the platform app's. */
    env?: Record<string, string>;
    /** Keep the server's log in memory (see log-capture.ts). */
    logs?: LogCapture;
    /** Runs once the org exists, before connecting (people who must be there before the mailbox). */
    beforeConnect?: (admin: TestClient, server: TestServer) => Promise<void>;
  } = {},
): Promise<ConnectedMailbox> {
  const emulator = options.emulator ?? (await startTestEmulator());
  let server: TestServer | undefined;
  try {
    server = (await startServerWithPlatformApp(emulator, { env: options.env, logs: options.logs })).server;
    const admin = await signUp(server, "owner@acme.test");
    const orgId = (await createOrg(admin, "Acme")).id;
    await options.beforeConnect?.(admin, server);
    const { page } = await connectThroughMicrosoft(admin, emulator);
    const channelId = (await followCallback(admin, page)).split("/")[3]!;
    return { emulator, server, admin, orgId, channelId };
  } catch (error) {
    await server?.close();
    if (!options.emulator) await emulator.close();
    throw error;
  }
}

/**
 * The scheduled sweep (every SYNC_SWEEP_MINUTES, on the quarter hour by default) may fire while a
 * test file runs: its job for the channel then waits out a spread of up to half the interval —
 * minutes — under the channel's sweep key, and swallows a sweep the test runs itself (one waiting
 * job per key). Cancelling it makes the test's own sweep the one that runs.
 */
export async function cancelWaitingSweeps(server: TestServer, channelId: string): Promise<void> {
  const rows = await server.database.db.execute(sql`
    select id from pgboss.job
    where name = 'sync-channel' and state = 'created' and singleton_key = ${`sweep:${channelId}`}`);
  for (const job of z.array(z.object({ id: z.string() })).parse(rows.rows))
    await server.mailroom.queue.boss.cancel("sync-channel", job.id);
}
