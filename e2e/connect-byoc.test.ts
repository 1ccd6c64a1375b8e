import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createReadyAccount } from "./accounts.ts";
import { assertWebBuilt, launchBrowser, logIn, openPage } from "./browser.ts";
import {
  type ConnectWorld,
  PASSWORD,
  registerCallbackApp,
  signInAtMicrosoft,
  startConnectWorld,
} from "./microsoft.ts";

// No Microsoft app on this server: each organization brings its own Azure app (BYOC).
let world: ConnectWorld;
let browser: Browser;

beforeAll(async () => {
  assertWebBuilt();
  world = await startConnectWorld({ platform: false });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await world?.close();
});

const open = () => openPage(browser, { baseURL: world.server.url, ignoreHTTPSErrors: true });

async function screenshots(page: Page, name: string) {
  await page.evaluate("window.scrollTo(0, 0)");
  await page.screenshot({ path: `/tmp/e2e-${name}.png`, fullPage: true });
  await page.setViewportSize({ width: 375, height: 740 });
  await page.screenshot({ path: `/tmp/e2e-${name}-375.png`, fullPage: true });
  expect(await page.evaluate<number>("document.documentElement.scrollWidth")).toBeLessThanOrEqual(375);
  await page.setViewportSize({ width: 1280, height: 800 });
}

/** Logs in and opens Settings › Channels › New Channel › Outlook, where the BYOC form is. */
async function openByocForm(page: Page, account: { email: string; password: string }) {
  await page.goto("/settings/channels/new/outlook");
  await logIn(page, account.email, account.password);
  await page.getByRole("heading", { name: "Connect Outlook", level: 1 }).waitFor();
  await page.getByRole("form", { name: "Your Microsoft app" }).waitFor();
}

async function fillByocForm(page: Page, clientId: string, secret: string) {
  await page.getByLabel("Client ID").fill(clientId);
  await page.getByLabel("Client Secret").fill(secret);
  const confirm = page.getByLabel("I've added this redirect URI to my app registration");
  if (!(await confirm.isChecked())) await confirm.check();
}

describe("Connect Outlook in Chromium with the organization's own Azure app", () => {
  it("saves the credentials, signs in at Microsoft and shows the connected address", async () => {
    const account = await createReadyAccount(world.server, { name: "Bea Byoc", orgName: "Bea Co" });
    const app = await registerCallbackApp(world.emulator, world.server.url, "Bea Mail Integration");
    const { page, problems, close } = await open();
    try {
      await openByocForm(page, account);
      const redirectUri = page.getByRole("textbox", { name: "Redirect URI" });
      expect(await redirectUri.inputValue()).toBe(`${world.server.url}/api/outlook/oauth2/callback`);
      expect(await page.getByRole("button", { name: "Copy the redirect uri" }).isVisible()).toBe(true);
      await screenshots(page, "byoc-form");

      // Nothing is sent until the redirect URI is confirmed.
      await page.getByLabel("Client ID").fill(app.clientId);
      await page.getByLabel("Client Secret").fill(app.secretId);
      await page.getByRole("button", { name: "Save & Connect" }).click();
      await page.getByText("Confirm that you added this redirect URI to your app").waitFor();

      // The secret's ID instead of its Value: the server says so under the field.
      await fillByocForm(page, app.clientId, app.secretId);
      await page.getByRole("button", { name: "Save & Connect" }).click();
      await page.getByText("This looks like the secret's ID. Paste its Value instead").waitFor();
      const secret = page.getByLabel("Client Secret");
      expect(await secret.getAttribute("aria-invalid")).toBe("true");
      expect(await secret.getAttribute("type")).toBe("password");
      await page.getByRole("button", { name: "Show the secret" }).click();
      expect(await secret.getAttribute("type")).toBe("text");
      await page.screenshot({ path: "/tmp/e2e-byoc-form-error.png", fullPage: true });

      await secret.fill(app.secret);
      await page.getByRole("button", { name: "Save & Connect" }).click();
      await signInAtMicrosoft(page, { login: "support@contoso.com", password: PASSWORD });
      await page.waitForURL(/\/settings\/channels\/[0-9a-f-]{36}\/connected$/);
      await page.getByRole("heading", { name: "Outlook connected", level: 1 }).waitFor();
      await page.getByText("support@contoso.com", { exact: true }).waitFor();
      await page.getByText("help@contoso.com").waitFor();

      // The channel records the org's app; the credentials page lists who uses it.
      await page.goto("/settings/channels");
      await page.getByText(`Your Azure app (client ID ${app.clientId})`).waitFor();
      await page.getByRole("link", { name: "Microsoft credentials" }).click();
      await page.getByRole("heading", { name: "Microsoft credentials", level: 1 }).waitFor();
      await page.getByText(app.clientId).waitFor();
      await page.getByText(`${app.secret.slice(0, 3)}••••••••`).waitFor();
      await page.getByRole("link", { name: "support@contoso.com" }).waitFor();
      await page.getByRole("button", { name: "Remove" }).click();
      await page
        .getByText("These credentials are used by connected channels. Disconnect them first.")
        .waitFor();
      await screenshots(page, "credentials-page");
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });

  it("explains a rejected client secret and offers Try again", async () => {
    const account = await createReadyAccount(world.server, { name: "Wes Wrong", orgName: "Wes Co" });
    const app = await registerCallbackApp(world.emulator, world.server.url, "Wes Mail Integration");
    const { page, problems, close } = await open();
    try {
      await openByocForm(page, account);
      await fillByocForm(page, app.clientId, "Wr0ng~secret.value-not-the-real-one");
      await page.getByRole("button", { name: "Save & Connect" }).click();
      await signInAtMicrosoft(page, { login: "customer@fabrikam.com", password: PASSWORD });
      await page.waitForURL("**/outlook/problem/invalid_client_secret?from=channels");
      await page.getByRole("heading", { name: "The client secret was rejected", level: 1 }).waitFor();
      await page.getByText("AADSTS7000215").waitFor();
      expect(await page.getByRole("link", { name: "Update credentials" }).isVisible()).toBe(true);
      expect(await page.locator("body").textContent()).not.toMatch(/[{}]|at \w+ \(/);
      await screenshots(page, "problem-page");

      await page.getByRole("link", { name: "Try again" }).click();
      await page.waitForURL("**/settings/channels/new/outlook");
      await page.getByRole("heading", { name: "Connect Outlook", level: 1 }).waitFor();

      // Microsoft shows some errors on its own page: the help maps their codes to ours.
      await page.getByText("Microsoft showed an error code?").click();
      await page.getByRole("link", { name: "AADSTS50011" }).click();
      await page
        .getByRole("heading", { name: "The redirect URI doesn't match your app registration" })
        .waitFor();
      expect(await page.getByRole("textbox", { name: "Redirect URI" }).inputValue()).toBe(
        `${world.server.url}/api/outlook/oauth2/callback`,
      );
      await page.getByText("a trailing slash at the end").waitFor();
      await screenshots(page, "problem-redirect-uri");
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });
});
