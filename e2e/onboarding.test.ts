import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../server/test/harness.ts";
import { createReadyAccount, E2E_PASSWORD as PASSWORD, uniqueEmail } from "./accounts.ts";
import { assertWebBuilt, launchBrowser, logIn, openPage } from "./browser.ts";

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  assertWebBuilt();
  server = await startTestServer();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe("onboarding in Chromium", () => {
  it("takes a new user from sign-up to the Connect an inbox step, and back there after logging in again", async () => {
    const { page, problems, close } = await openPage(browser, { baseURL: server.url });
    try {
      await page.goto("/");
      await page.waitForURL("**/login");
      await page.getByRole("link", { name: "Create an account" }).click();
      await page.waitForURL("**/signup");

      const email = uniqueEmail("Olive Owner");
      await page.getByLabel("Your name").fill("Olive Owner");
      await page.getByLabel("Work email").fill(email);
      await page.getByLabel("Password").fill(PASSWORD);
      await page.getByRole("button", { name: "Create account" }).click();

      await page.waitForURL("**/onboarding/organization");
      await expect.poll(() => page.title()).toBe("Create your organization · Mailroom");
      await page.getByLabel("Organization name").fill("Acme Support");
      await page.getByRole("button", { name: "Create organization" }).click();

      await page.getByRole("heading", { name: "Invite your team" }).waitFor();
      await page.getByLabel("Email addresses").fill("ana@example.com");
      await page.getByRole("button", { name: "Invite", exact: true }).click();
      const link = page.getByRole("textbox", { name: "Invitation link for ana@example.com" });
      await link.waitFor();
      expect(await link.inputValue()).toMatch(new RegExp(`^${server.url}/invite/[^/]+$`));
      await page.getByRole("link", { name: "Continue" }).click();

      await expectConnectStep(page, server.url);
      await page.screenshot({ path: "/tmp/e2e-connect-step.png", fullPage: true });

      // Logging in again resumes onboarding: the org exists but isn't set up yet.
      await page.getByRole("button", { name: "Log out" }).click();
      await page.waitForURL("**/login");
      await logIn(page, email, PASSWORD);
      await page.waitForURL("**/onboarding/team");
      await page.getByRole("link", { name: "Skip" }).click();
      await expectConnectStep(page, server.url);

      await page.getByRole("button", { name: "Skip" }).click();
      await page.getByRole("button", { name: "Go to inbox" }).click();
      await page.waitForURL("**/inbox");
      await page.getByText("No conversations yet. Connect an inbox to start receiving mail.").waitFor();
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });

  it("lets a returning user log in on a 375px phone, use the menu, and log out", async () => {
    const { email } = await createReadyAccount(server, { name: "Pat Phone", orgName: "Phone Co" });
    const { page, problems, close } = await openPage(browser, {
      baseURL: server.url,
      viewport: { width: 375, height: 740 },
    });
    try {
      await page.goto("/settings/members");
      await page.waitForURL("**/login?next=%2Fsettings%2Fmembers");
      await logIn(page, email, "not the password");
      await page.getByText("Wrong email or password").waitFor();
      await page.getByLabel("Password").fill(PASSWORD);
      await page.getByRole("button", { name: "Log in" }).click();

      // Back where the user was going.
      await page.waitForURL("**/settings/members");
      await page.getByRole("heading", { name: "Members", level: 1 }).waitFor();
      await page.getByRole("main").getByText(email).waitFor();

      const menu = page.getByRole("button", { name: "Menu" });
      await menu.click();
      await page
        .getByRole("navigation", { name: "Main" })
        .getByRole("link", { name: "Inbox", exact: true })
        .click();
      await page.waitForURL("**/inbox");
      expect(await menu.getAttribute("aria-expanded")).toBe("false");
      await page.getByText("No conversations yet. Connect an inbox to start receiving mail.").waitFor();
      expect(await page.evaluate<number>("document.documentElement.scrollWidth")).toBeLessThanOrEqual(375);
      await page.screenshot({ path: "/tmp/e2e-inbox-375.png", fullPage: true });

      await page.getByRole("button", { name: "Account: Pat Phone" }).click();
      await page.getByRole("button", { name: "Log out" }).click();
      await page.waitForURL("**/login");
      await page.goto("/inbox");
      await page.waitForURL("**/login?next=%2Finbox");
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });
});

async function expectConnectStep(page: Page, baseUrl: string) {
  const heading = page.getByRole("heading", { name: "Connect an inbox", level: 1 });
  await heading.waitFor();
  expect(await heading.isVisible()).toBe(true);
  expect(page.url()).toBe(`${baseUrl}/onboarding/connect`);
  expect(await page.getByText("Step 3 of 3").isVisible()).toBe(true);
  // No Microsoft app on this server: the permissions, then the form for the org's own Azure app.
  await page.getByRole("table", { name: "Permissions Mailroom will ask Microsoft for" }).waitFor();
  expect(await page.getByRole("button", { name: "Save & Connect" }).isEnabled()).toBe(true);
}
