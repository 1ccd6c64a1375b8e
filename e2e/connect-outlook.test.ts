import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createReadyAccount, E2E_PASSWORD, uniqueEmail } from "./accounts.ts";
import { assertWebBuilt, launchBrowser, logIn, openPage } from "./browser.ts";
import { type ConnectWorld, PASSWORD, signInAtMicrosoft, startConnectWorld } from "./microsoft.ts";

// Mailroom's own Microsoft app is configured: Connect Outlook goes straight to Microsoft.
let world: ConnectWorld;
let browser: Browser;

beforeAll(async () => {
  assertWebBuilt();
  world = await startConnectWorld({ platform: true });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await world?.close();
});

const open = (viewport?: { width: number; height: number }) =>
  openPage(browser, {
    baseURL: world.server.url,
    ignoreHTTPSErrors: true,
    ...(viewport ? { viewport } : {}),
  });

/** Screenshots at a laptop width and at 375px, for looking at the design. */
async function screenshots(page: Page, name: string) {
  await page.evaluate("window.scrollTo(0, 0)");
  await page.screenshot({ path: `/tmp/e2e-${name}.png`, fullPage: true });
  await page.setViewportSize({ width: 375, height: 740 });
  await page.screenshot({ path: `/tmp/e2e-${name}-375.png`, fullPage: true });
  expect(await page.evaluate<number>("document.documentElement.scrollWidth")).toBeLessThanOrEqual(375);
  await page.setViewportSize({ width: 1280, height: 800 });
}

describe("Connect Outlook in Chromium (platform app)", () => {
  it("connects from the onboarding step: permissions, Microsoft sign-in, Cancel, Accept, checkmark", async () => {
    const email = uniqueEmail("Olive Onboarding");
    const client = world.server.client();
    await client.post("/api/auth/sign-up/email", { name: "Olive", email, password: E2E_PASSWORD });
    await client.post("/api/orgs", { name: "Olive's Support" });

    const { page, problems, close } = await open();
    try {
      await page.goto("/onboarding/connect");
      await logIn(page, email, E2E_PASSWORD);
      await page.getByRole("heading", { name: "Connect an inbox", level: 1 }).waitFor();
      const table = page.getByRole("table", { name: "Permissions Mailroom will ask Microsoft for" });
      await table.waitFor();
      for (const [permission, why] of [
        ["Read and write emails (Mail.ReadWrite)", "Sync messages and update their status"],
        ["Send emails (Mail.Send)", "Send replies from Mailroom on your behalf"],
        ["Read your profile (User.Read)", "Identify your email address and any aliases"],
      ]) {
        const row = table.getByRole("row", { name: permission });
        expect(await row.getByRole("cell").textContent()).toBe(why);
      }
      expect(await page.getByRole("button", { name: "Skip" }).isVisible()).toBe(true);
      await screenshots(page, "connect-step");

      // Cancel on Microsoft's permissions screen: back on the step with a calm note.
      await page.getByRole("button", { name: "Connect Outlook" }).click();
      await signInAtMicrosoft(page, { login: "support@contoso.com", password: PASSWORD }, "Cancel");
      await page.waitForURL("**/onboarding/connect?note=cancelled");
      await page.getByText("You cancelled on Microsoft's permissions screen").waitFor();

      // Again, and Accept: Microsoft remembers the sign-in and offers the account to pick.
      await page.getByRole("button", { name: "Connect Outlook" }).click();
      await page.getByRole("heading", { name: "Pick an account" }).waitFor();
      await page.getByRole("button", { name: /support@contoso\.com/ }).click();
      await page.getByText("Permissions requested").waitFor();
      await page.getByRole("button", { name: "Accept", exact: true }).click();
      await page.waitForURL(/\/onboarding\/connect\?connected=[0-9a-f-]{36}$/);
      const confirmation = page.getByRole("status").filter({ hasText: "Outlook connected" });
      await confirmation.getByText("support@contoso.com").waitFor();
      await page.screenshot({ path: "/tmp/e2e-onboarding-connected.png", fullPage: true });
      const progress = page.getByRole("list", { name: "Setup progress" });
      await progress.getByText("Connect an inbox (done)").waitFor();

      // Leave and come back before continuing: the step remembers the connection (issue 12, item 7).
      await page.goto("/onboarding/team");
      await page.goto("/onboarding/connect");
      await page
        .getByRole("status")
        .filter({ hasText: "Outlook connected" })
        .getByText("support@contoso.com")
        .waitFor();
      await progress.getByText("Connect an inbox (done)").waitFor();
      expect(await page.getByRole("button", { name: "Connect Outlook" }).count()).toBe(0);

      await page.getByRole("button", { name: "Continue to your inbox" }).click();
      await page.waitForURL("**/inbox");
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });

  it("connects from Settings › Channels › New Channel › Outlook and shows the connected address", async () => {
    const { email, password } = await createReadyAccount(world.server, {
      name: "Cal Channels",
      orgName: "Cal Co",
    });
    const { page, problems, close } = await open();
    try {
      await page.goto("/settings/channels");
      await logIn(page, email, password);
      await page.getByRole("heading", { name: "Channels", level: 1 }).waitFor();
      await page.getByText("No channels connected").waitFor();
      await page.getByRole("main").getByRole("link", { name: "New Channel" }).first().click();
      await page.waitForURL("**/settings/channels/new");
      await page.screenshot({ path: "/tmp/e2e-new-channel.png" });
      await page.getByRole("link", { name: /^Outlook/ }).click();
      await page.waitForURL("**/settings/channels/new/outlook");
      await page.getByRole("table", { name: "Permissions Mailroom will ask Microsoft for" }).waitFor();

      // The org's own app is one click away (issue 12, item 7): the form, not a second disclosure.
      await page.getByRole("button", { name: "Use your own Azure app instead" }).click();
      await page.getByLabel("Client ID").waitFor();
      await page.getByLabel("Secret expires").waitFor();
      await page.screenshot({ path: "/tmp/e2e-byoc-form-one-click.png", fullPage: true });
      await page.getByRole("button", { name: "Cancel" }).click();

      await page.getByRole("button", { name: "Connect Outlook" }).click();
      await signInAtMicrosoft(page, { login: "alex@contoso.com", password: PASSWORD });
      await page.waitForURL(/\/settings\/channels\/[0-9a-f-]{36}\/connected$/);
      await page.getByRole("heading", { name: "Outlook connected", level: 1 }).waitFor();
      await page.getByText("alex@contoso.com", { exact: true }).waitFor();
      await page.getByText("Conversations land in").waitFor();
      await screenshots(page, "channel-connected");

      await page.getByRole("link", { name: "Channel settings" }).click();
      await page.getByRole("heading", { name: "alex@contoso.com", level: 1 }).waitFor();
      const aliases = page.getByRole("region", { name: "Aliases" });
      await aliases.getByText("Primary").waitFor();
      await aliases.getByRole("button", { name: "Refresh" }).click();
      await aliases.getByText(/Aliases refreshed/).waitFor();

      await page.getByLabel("Display name").fill("Contoso IT");
      await page.getByLabel("Auto-BCC").fill("not an address");
      await page.getByRole("button", { name: "Save settings" }).click();
      await page.getByText("Enter one email address, or leave it empty").waitFor();
      await page.getByLabel("Auto-BCC").fill("archive@contoso.com");
      await page.getByLabel("Undo send window in seconds").fill("20");
      await page.getByRole("button", { name: "Save settings" }).click();
      await page.getByText("Settings saved.").waitFor();
      await page.getByText("sends as “Contoso IT”").waitFor();
      await screenshots(page, "channel-page");

      await page.getByRole("link", { name: "Channels", exact: true }).first().click();
      const row = page.getByRole("list", { name: "Channels" }).getByRole("listitem");
      await row.getByText("Connected").waitFor();
      expect(await row.getByText("Mailroom's Microsoft app").count()).toBe(1);
      await screenshots(page, "channels-list");

      // Disconnect, keeping the conversations: the channel stays, marked disconnected.
      await row.getByRole("link", { name: "alex@contoso.com" }).click();
      await page.getByRole("button", { name: "Disconnect" }).click();
      const dialog = page.getByRole("dialog", { name: "Disconnect alex@contoso.com?" });
      expect(await dialog.getByLabel(/Keep them/).isChecked()).toBe(true);
      await dialog.getByRole("button", { name: "Disconnect" }).click();
      await page.waitForURL("**/settings/channels");
      await row.getByText("Disconnected").waitFor();
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });
});
