import { expect } from "vitest";
import { type Page, signIn } from "../../emulator/src/identity/sign-in-driver.ts";
import type { Emulator } from "../../emulator/src/index.ts";
import { emulatorFetch, jsonInit } from "../../emulator/src/testing/emulator-fetch.ts";
import type { TestClient } from "./harness.ts";

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
