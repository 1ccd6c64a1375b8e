import { eq } from "drizzle-orm";
import type { Page } from "playwright-core";
import type { Emulator } from "../emulator/src/index.ts";
import { syncCursors } from "../server/src/mail/schema.ts";
import { subscriptions } from "../server/src/sync/subscriptions/schema.ts";
import { emulatorEnv, startTestEmulator } from "../server/test/emulator.ts";
import { freePort, startTestServer, type TestClient, type TestServer } from "../server/test/harness.ts";
import {
  connectThroughMicrosoft,
  followCallback,
  type RegisteredApp,
  registerApp,
} from "../server/test/outlook-helpers.ts";
import { waitFor } from "../server/test/wait-for.ts";

/** A Mailroom server and the Microsoft emulator it signs in through. */
export interface ConnectWorld {
  emulator: Emulator;
  server: TestServer;
  /** The platform app (Mailroom's own), when the server was given one. */
  platform?: RegisteredApp;
  close(): Promise<void>;
}

/**
 * Starts the emulator (HTTPS, in-process) and a Mailroom server pointed at it; with `platform`,
 * the server gets Mailroom's own Microsoft app registered for its callback, otherwise
 * organisations must bring their own (BYOC).
 */
export async function startConnectWorld({ platform }: { platform: boolean }): Promise<ConnectWorld> {
  const emulator = await startTestEmulator();
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const app = platform ? await registerCallbackApp(emulator, publicUrl, "Mailroom") : undefined;
  const server = await startTestServer({
    ...emulatorEnv(emulator),
    PORT: String(port),
    PUBLIC_URL: publicUrl,
    ...(app ? { MICROSOFT_CLIENT_ID: app.clientId, MICROSOFT_CLIENT_SECRET: app.secret } : {}),
  });
  return {
    emulator,
    server,
    ...(app ? { platform: app } : {}),
    async close() {
      await server.close();
      await emulator.close();
    },
  };
}

/** An app registered in the emulator with the server's callback, as an admin would in Azure. */
export function registerCallbackApp(emulator: Emulator, publicUrl: string, displayName: string) {
  return registerApp(emulator, {
    redirectUris: [`${publicUrl}/api/outlook/oauth2/callback`],
    displayName,
  });
}

/** On Microsoft's (the emulator's) pages: sign in, then Accept or Cancel the permissions. */
export async function signInAtMicrosoft(
  page: Page,
  account: { login: string; password: string },
  consent: "Accept" | "Cancel" = "Accept",
): Promise<void> {
  await page.getByLabel("Email, phone, or Skype").fill(account.login);
  await page.getByRole("button", { name: "Next" }).click();
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByText("Permissions requested").waitFor();
  await page.getByRole("button", { name: consent, exact: true }).click();
}

export const PASSWORD = "Passw0rd!";

/** The browser takes over an API client's session (its cookies) on `server`. */
export async function signInAs(page: Page, client: TestClient, server: { url: string }) {
  await page
    .context()
    .addCookies([...client.cookies].map(([name, value]) => ({ name, value, url: server.url })));
}

/**
 * Connects support@contoso.com through Microsoft's sign-in and waits for its first import (and,
 * unless `subscriptions` is false, its two webhook subscriptions). Returns the channel's id.
 */
export async function connectMailbox(
  world: ConnectWorld,
  client: TestClient,
  { subscriptions: withSubscriptions = true } = {},
): Promise<string> {
  const { page } = await connectThroughMicrosoft(client, world.emulator);
  const channelId = (await followCallback(client, page)).split("/")[3]!;
  const db = world.server.database.db;
  await waitFor(
    async () => {
      const cursors = await db.select().from(syncCursors).where(eq(syncCursors.channelId, channelId));
      if (cursors.length !== 2 || !cursors.every((c) => c.deltaLink)) return false;
      if (!withSubscriptions) return true;
      const subs = await db.select().from(subscriptions).where(eq(subscriptions.channelId, channelId));
      return subs.length === 2;
    },
    {
      what: withSubscriptions ? "subscriptions and the first import" : "the first import",
      timeoutMs: 60_000,
    },
  );
  return channelId;
}
