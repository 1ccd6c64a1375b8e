import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../server/test/harness.ts";
import { createReadyAccount, E2E_PASSWORD, uniqueEmail } from "./accounts.ts";
import { assertWebBuilt, launchBrowser, openPage } from "./browser.ts";

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

describe("team management in Chromium", () => {
  it("invites a teammate who joins by link, appears live on Members, is promoted, then removed", async () => {
    const owner = await createReadyAccount(server, { name: "Olive Owner", orgName: "Acme Support" });
    const admin = await openPage(browser, { baseURL: server.url });
    const invitee = await openPage(browser, { baseURL: server.url, viewport: { width: 375, height: 740 } });
    try {
      // The owner invites from Settings > Members and copies the link.
      await admin.context.grantPermissions(["clipboard-read", "clipboard-write"]);
      await admin.context.addCookies(
        [...owner.client.cookies].map(([name, value]) => ({ name, value, url: server.url })),
      );
      await admin.page.goto("/settings/members");
      const email = uniqueEmail("Andy Agent");
      await admin.page.getByLabel("Email addresses").fill(email);
      await admin.page.getByRole("button", { name: "Invite", exact: true }).click();
      const pending = admin.page.getByRole("region", { name: /Pending invitations/ });
      await pending.getByText(email).waitFor();
      await pending.getByRole("button", { name: `Copy invitation link for ${email}` }).click();
      await pending.getByText("Copied", { exact: true }).waitFor();
      const link = await admin.page.evaluate<string>("navigator.clipboard.readText()");
      expect(link).toMatch(new RegExp(`^${server.url}/invite/[^/]+$`));

      // The invitee opens it signed out, creates an account, comes back to the invitation and joins.
      await invitee.page.goto(link);
      await invitee.page.getByRole("heading", { name: "Join Acme Support on Mailroom" }).waitFor();
      await invitee.page.getByRole("link", { name: "Create an account" }).click();
      await invitee.page.getByLabel("Your name").fill("Andy Agent");
      await invitee.page.getByLabel("Work email").fill(email);
      await invitee.page.getByLabel("Password").fill(E2E_PASSWORD);
      await invitee.page.getByRole("button", { name: "Create account" }).click();
      await invitee.page.getByRole("button", { name: "Join Acme Support" }).click();
      await invitee.page.waitForURL("**/inbox");
      await invitee.page.getByText("Only owners and admins can connect channels — ask your admin.").waitFor();

      // The owner's page learns about it through live events, without a reload.
      const members = admin.page.getByRole("region", { name: /^Members/ });
      await members.getByText(email).waitFor();
      await pending.getByText("No pending invitations").waitFor();

      await members.getByLabel("Role for Andy Agent").selectOption("admin");
      await members.getByText("Andy Agent is now an admin").waitFor();

      await members.getByRole("button", { name: "Remove Andy Agent" }).click();
      const dialog = admin.page.getByRole("dialog", { name: "Remove Andy Agent?" });
      await dialog.getByRole("button", { name: "Remove member" }).click();
      await dialog.waitFor({ state: "hidden" });
      await members.getByText(email).waitFor({ state: "detached" });
      expect(await members.getByRole("listitem").count()).toBe(1);

      expect(admin.problems).toEqual([]);
      expect(invitee.problems).toEqual([]);
    } finally {
      await admin.close();
      await invitee.close();
    }
  });
});
