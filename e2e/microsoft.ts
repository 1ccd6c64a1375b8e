import type { Page } from "playwright-core";
import type { Emulator } from "../emulator/src/index.ts";
import { emulatorEnv, startTestEmulator } from "../server/test/emulator.ts";
import { freePort, startTestServer, type TestServer } from "../server/test/harness.ts";
import { type RegisteredApp, registerApp } from "../server/test/outlook-helpers.ts";

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
