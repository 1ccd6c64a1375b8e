import { randomUUID } from "node:crypto";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { channels } from "../server/src/channels/schema.ts";
import { invite, signUp } from "../server/test/accounts-helpers.ts";
import { startTestServer, type TestServer } from "../server/test/harness.ts";
import { createReadyAccount, uniqueEmail } from "./accounts.ts";
import { assertWebBuilt, launchBrowser, openPage } from "./browser.ts";
import { signInAs } from "./microsoft.ts";

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

/** The browser takes over an API client's session (cookies), like the team journey does. */
/** A connected mailbox row, as the Outlook connect flow leaves it (no Microsoft needed here). */
async function insertChannel(orgId: string, email: string) {
  await server.database.db.insert(channels).values({
    orgId,
    credentialSource: "platform",
    clientId: "e2e-client",
    msTenantId: randomUUID(),
    msUserId: randomUUID(),
    email,
    displayName: "Help desk",
  });
}

describe("Settings > Inboxes in Chromium", () => {
  it("lets an admin create a restricted inbox, link a channel, edit it and delete it, while a member watches", async () => {
    const owner = await createReadyAccount(server, { name: "Olive Owner", orgName: "Acme Support" });
    const memberEmail = uniqueEmail("Mia Member");
    const invitation = await invite(owner.client, memberEmail);
    const member = await signUp(server, memberEmail, "Mia Member");
    expect((await member.post(`/api/invitations/${invitation.id}/accept`)).status).toBe(200);
    const me = await owner.client.get<{ org: { id: string } }>("/api/me");
    await insertChannel(me.body.org.id, "help@acme.test");

    const admin = await openPage(browser, { baseURL: server.url });
    const agent = await openPage(browser, { baseURL: server.url, viewport: { width: 375, height: 740 } });
    try {
      await signInAs(admin.page, owner.client, server);
      await signInAs(agent.page, member, server);
      await agent.page.goto("/settings/inboxes");
      await agent.page.getByRole("article", { name: "Shared inbox" }).waitFor();
      expect(await agent.page.getByRole("button", { name: "New inbox" }).count()).toBe(0);
      expect(await agent.page.getByRole("button", { name: /^Edit / }).count()).toBe(0);

      let creates = 0;
      admin.page.on("request", (request) => {
        if (request.method() === "POST" && new URL(request.url()).pathname === "/api/inboxes") creates += 1;
      });
      await admin.page.goto("/settings/inboxes");
      await expect.poll(() => admin.page.title()).toBe("Inboxes · Mailroom");

      // The default inbox is there from the start and offers no Delete, saying why.
      const defaultInbox = admin.page.getByRole("article", { name: "Shared inbox" });
      await defaultInbox.getByText("Default", { exact: true }).waitFor();
      await defaultInbox.getByText("so it can't be deleted").waitFor();
      expect(await defaultInbox.getByRole("button", { name: /^Delete/ }).count()).toBe(0);

      // New inbox: name, colour, restricted to the member. A double click creates it once.
      await admin.page.getByRole("button", { name: "New inbox" }).click();
      const form = admin.page.getByRole("dialog", { name: "New inbox" });
      await form.getByLabel("Name").fill("VIP");
      await form.getByLabel("Description").fill("Customers on the enterprise plan");
      await form.getByRole("radio", { name: "Purple" }).check();
      await form.getByRole("radio", { name: /Only selected members/ }).check();
      await form.getByRole("checkbox", { name: /Mia Member/ }).check();
      await admin.page.screenshot({ path: "/tmp/inboxes-form-laptop.png" });
      await form.getByRole("button", { name: "Create inbox" }).dblclick();
      await form.waitFor({ state: "hidden" });
      await admin.page.getByText("VIP created").waitFor();

      const vip = admin.page.getByRole("article", { name: "VIP" });
      await vip.getByText("Only selected members").waitFor();
      await vip.getByRole("list", { name: "Members who can see VIP" }).getByText("Mia Member").waitFor();
      await vip.getByText("Colour: Purple").waitFor();
      expect(await admin.page.getByRole("article").count()).toBe(2);
      expect(creates).toBe(1);

      // The listed member sees it appear without reloading.
      const agentVip = agent.page.getByRole("article", { name: "VIP" });
      await agentVip.getByText("Customers on the enterprise plan").waitFor();

      // Link the channel; the member sees it arrive too.
      await vip.getByLabel("Link a channel to VIP").selectOption({ label: "help@acme.test · Help desk" });
      await vip.getByRole("button", { name: "Link", exact: true }).click();
      await vip.getByRole("button", { name: "Unlink help@acme.test from VIP" }).waitFor();
      await agentVip.getByText("help@acme.test").waitFor();

      // Screenshots for looking at the design (full page from the top: the header is sticky).
      await admin.page.evaluate("window.scrollTo(0, 0)");
      await agent.page.evaluate("window.scrollTo(0, 0)");
      await admin.page.screenshot({ path: "/tmp/inboxes-laptop.png", fullPage: true });
      await agent.page.screenshot({ path: "/tmp/inboxes-phone-member.png", fullPage: true });
      await admin.page.setViewportSize({ width: 375, height: 740 });
      await admin.page.screenshot({ path: "/tmp/inboxes-phone.png", fullPage: true });

      // Edit, on a phone: a taken name (in another case) is refused on the name field; then rename and recolour.
      await vip.getByRole("button", { name: "Edit VIP" }).click();
      const edit = admin.page.getByRole("dialog", { name: "Edit VIP" });
      await edit.getByLabel("Name").waitFor();
      await admin.page.screenshot({ path: "/tmp/inboxes-edit-phone.png" });
      const name = edit.getByLabel("Name");
      await name.fill("shared INBOX");
      await edit.getByRole("button", { name: "Save changes" }).click();
      await edit.getByText("An inbox with this name already exists").waitFor();
      expect(await name.getAttribute("aria-invalid")).toBe("true");
      await name.fill("VIP customers");
      await edit.getByRole("radio", { name: "Teal" }).check();
      await edit.getByRole("button", { name: "Save changes" }).click();
      await edit.waitFor({ state: "hidden" });
      await admin.page.setViewportSize({ width: 1280, height: 800 });
      const renamed = admin.page.getByRole("article", { name: "VIP customers" });
      await renamed.getByText("Colour: Teal").waitFor();
      await renamed.getByText("help@acme.test").waitFor();
      await agent.page.getByRole("article", { name: "VIP customers" }).waitFor();

      // Delete, after confirming.
      await renamed.getByRole("button", { name: "Delete VIP customers" }).click();
      const confirm = admin.page.getByRole("dialog", { name: "Delete VIP customers?" });
      await confirm.getByRole("button", { name: "Delete inbox" }).click();
      await confirm.waitFor({ state: "hidden" });
      await renamed.waitFor({ state: "detached" });
      await agent.page.getByRole("article", { name: "VIP customers" }).waitFor({ state: "detached" });
      expect(await admin.page.getByRole("article").count()).toBe(1);

      expect(admin.problems).toEqual([]);
      expect(agent.problems).toEqual([]);
    } finally {
      await admin.close();
      await agent.close();
    }
  });
});
