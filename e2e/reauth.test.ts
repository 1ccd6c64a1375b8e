import { eq } from "drizzle-orm";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emulatorFetch, jsonInit } from "../emulator/src/testing/emulator-fetch.ts";
import { channels } from "../server/src/channels/schema.ts";
import { runSyncChannelJob } from "../server/src/sync/delta/sync-jobs.ts";
import { join } from "../server/test/accounts-helpers.ts";
import { connectThroughMicrosoft, followCallback, registerApp } from "../server/test/outlook-helpers.ts";
import { jobDeps } from "../server/test/reauth-helpers.ts";
import { waitFor } from "../server/test/wait-for.ts";
import { createReadyAccount, uniqueEmail } from "./accounts.ts";
import { assertWebBuilt, launchBrowser, openPage } from "./browser.ts";
import {
  type ConnectWorld,
  connectMailbox,
  PASSWORD,
  signInAs,
  signInAtMicrosoft,
  startConnectWorld,
} from "./microsoft.ts";

const MAILBOX = "support@contoso.com";
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

async function deliver(subject: string) {
  const res = await emulatorFetch(
    world.emulator,
    `/_emulator/mailboxes/${MAILBOX}/inbound`,
    jsonInit("POST", {
      from: { name: "Casey Customer", address: "casey@example.net" },
      subject,
      text: "Hello",
    }),
  );
  expect(res.status).toBe(201);
}

/** The page's live stream is open: a nudge from the server makes the banner refetch. */
async function streamOpen(page: Page, orgId: string) {
  await waitFor(
    async () => {
      const refetched = page
        .waitForRequest((r) => new URL(r.url()).pathname === "/api/channels/attention", { timeout: 500 })
        .then(
          () => true,
          () => false,
        );
      await world.server.mailroom.events.publish(orgId, { type: "channels.updated", data: {} });
      return refetched;
    },
    { what: "the live stream to be open", timeoutMs: 60_000 },
  );
}

describe("Re-authentication in Chromium", () => {
  it("shows the banner live, reconnects in place, and mail flows again; a member is told whom to ask", async () => {
    const owner = await createReadyAccount(world.server, { name: "Olga Owner", orgName: "Reauth Co" });
    const channelId = await connectMailbox(world, owner.client);
    const orgId = (await owner.client.get<{ org: { id: string } }>("/api/me")).body.org.id;
    expect(
      (await owner.client.patch(`/api/channels/${channelId}`, { signature: "Olga at Reauth Co" })).status,
    ).toBe(200);
    const before = `Before the break ${Date.now()}`;
    await deliver(before);
    const memberEmail = uniqueEmail("Milo Member");
    const member = await join(world.server, owner.client, memberEmail);

    const ownerView = await openPage(browser, { baseURL: world.server.url, ignoreHTTPSErrors: true });
    const memberView = await openPage(browser, {
      baseURL: world.server.url,
      viewport: { width: 390, height: 844 },
    });
    try {
      await signInAs(ownerView.page, owner.client, world.server);
      await signInAs(memberView.page, member, world.server);
      await ownerView.page.goto("/inbox");
      await ownerView.page.getByRole("link", { name: new RegExp(before) }).waitFor({ timeout: 60_000 });
      await memberView.page.goto("/settings/members");
      await streamOpen(ownerView.page, orgId);
      await streamOpen(memberView.page, orgId);
      await ownerView.page.evaluate("window.__sameDocument = true");
      await memberView.page.evaluate("window.__sameDocument = true");

      // The user removes Mailroom's access at Microsoft; the sweep notices.
      const [row] = await world.server.database.db.select().from(channels).where(eq(channels.id, channelId));
      await emulatorFetch(world.emulator, `/_emulator/users/${MAILBOX}/consents/${row!.clientId}`, {
        method: "DELETE",
      });
      await runSyncChannelJob(jobDeps(world.server), { channelId, reason: "sweep" });

      const banner = ownerView.page.getByRole("region", { name: "Mailboxes that need attention" });
      await banner.getByText(`${MAILBOX} isn't syncing`).waitFor();
      expect(await banner.textContent()).toContain("Mailroom's access to the mailbox was removed");
      expect(await ownerView.page.evaluate("window.__sameDocument")).toBe(true);
      // The admins' bell lists it too; members have no bell.
      const bell = ownerView.page.getByRole("button", { name: "Notifications: 1 need attention" });
      await bell.click();
      await ownerView.page.getByRole("heading", { name: "Needs your attention" }).waitFor();
      await ownerView.page.screenshot({ path: "/tmp/e2e-reauth-owner-wide.png", fullPage: true });
      await bell.click();

      const memberBanner = memberView.page.getByRole("region", { name: "Mailboxes that need attention" });
      await memberBanner.getByText(`${MAILBOX} isn't syncing`).waitFor();
      expect(await memberBanner.textContent()).toContain(`Ask Olga Owner (${owner.email}) to reconnect it`);
      expect(await memberBanner.getByRole("button", { name: "Reconnect" }).count()).toBe(0);
      expect(await memberView.page.getByRole("button", { name: /^Notifications/ }).count()).toBe(0);
      expect(await memberView.page.evaluate("window.__sameDocument")).toBe(true);
      await memberView.page.screenshot({ path: "/tmp/e2e-reauth-member-narrow.png", fullPage: true });

      // Hidden for the session: gone on the next page, until this breakage is fixed.
      await memberBanner.getByRole("button", { name: /Hide/ }).click();
      await memberView.page.goto("/inbox");
      await memberView.page.getByRole("heading", { name: "All inboxes", level: 1 }).waitFor();
      expect(await memberBanner.count()).toBe(0);

      // Reconnect from the banner: Microsoft's sign-in, pre-filled, consent again, and back.
      await ownerView.page.setViewportSize({ width: 390, height: 844 });
      await ownerView.page.screenshot({ path: "/tmp/e2e-reauth-owner-narrow.png", fullPage: true });
      await ownerView.page.setViewportSize({ width: 1280, height: 800 });
      await banner.getByRole("button", { name: "Reconnect" }).click();
      await ownerView.page.getByLabel("Email, phone, or Skype").waitFor();
      expect(await ownerView.page.getByLabel("Email, phone, or Skype").inputValue()).toBe(MAILBOX);
      await signInAtMicrosoft(ownerView.page, { login: MAILBOX, password: PASSWORD });
      await ownerView.page.waitForURL(new RegExp(`/settings/channels/${channelId}\\?reconnected=1$`));
      await ownerView.page.getByRole("heading", { name: "Connection" }).waitFor();
      await ownerView.page.getByText("Reconnected. Mail that arrived meanwhile is being caught up").waitFor();
      expect(await banner.count()).toBe(0);
      await ownerView.page.getByRole("button", { name: "Notifications", exact: true }).waitFor();
      expect(await ownerView.page.getByLabel("Signature").inputValue()).toBe("Olga at Reauth Co");
      await ownerView.page.screenshot({ path: "/tmp/e2e-reauth-reconnected.png", fullPage: true });

      // The same conversations, and new mail flows again.
      await ownerView.page.goto("/inbox");
      await ownerView.page.getByRole("link", { name: new RegExp(before) }).waitFor();
      const after = `After the reconnect ${Date.now()}`;
      await deliver(after);
      await ownerView.page.getByRole("link", { name: new RegExp(after) }).waitFor({ timeout: 60_000 });
      expect(ownerView.problems).toEqual([]);
      expect(memberView.problems).toEqual([]);
    } finally {
      await ownerView.close();
      await memberView.close();
    }
  });

  it("after a new client secret, Reconnect all walks every channel through Microsoft in turn", async () => {
    const owner = await createReadyAccount(world.server, { name: "Rita Rotate", orgName: "Rotate Co" });
    const app = await registerApp(world.emulator, {
      redirectUris: [`${world.server.url}/api/outlook/oauth2/callback`],
      displayName: "Rotate Co Mail",
    });
    const save = (clientSecret: string) =>
      owner.client.put("/api/outlook/credentials", {
        clientId: app.clientId,
        clientSecret,
        redirectUriConfirmed: true,
      });
    expect((await save(app.secret)).status).toBe(200);
    for (const login of [MAILBOX, "alex@contoso.com"]) {
      const { page } = await connectThroughMicrosoft(owner.client, world.emulator, {
        credentials: "byoc",
        account: { login, password: PASSWORD },
      });
      await followCallback(owner.client, page);
    }
    // Azure's new secret, saved in Mailroom: both channels must sign in again.
    const added = await emulatorFetch(
      world.emulator,
      `/_emulator/apps/${app.clientId}/secrets`,
      jsonInit("POST", { displayName: "renewed" }),
    );
    expect((await save(((await added.json()) as { value: string }).value)).status).toBe(200);

    const { page, problems, close } = await openPage(browser, {
      baseURL: world.server.url,
      ignoreHTTPSErrors: true,
    });
    try {
      await signInAs(page, owner.client, world.server);
      await page.goto("/settings/channels/credentials");
      await page.getByText("2 channels need to be reconnected").waitFor();
      await page.screenshot({ path: "/tmp/e2e-reauth-reconnect-all.png", fullPage: true });
      await page.getByRole("button", { name: "Reconnect all (2)" }).click();
      const hinted: string[] = [];
      for (let turn = 0; turn < 2; turn++) {
        // Pre-filled with the channel's address; consent is already there, so no consent page.
        const emailField = page.getByLabel("Email, phone, or Skype");
        await emailField.waitFor();
        hinted.push(await emailField.inputValue());
        await page.getByRole("button", { name: "Next" }).click();
        await page.getByLabel("Password").fill(PASSWORD);
        await page.getByRole("button", { name: "Sign in" }).click();
        await page.waitForURL(/\/settings\/channels\/credentials\?reconnected=/);
      }
      expect(hinted.sort()).toEqual(["alex@contoso.com", MAILBOX]);
      await page.getByRole("heading", { name: "Channels using these credentials" }).waitFor();
      await waitFor(
        async () => {
          const listed = await owner.client.get<{ credentials: { channels: { status: string }[] } }>(
            "/api/outlook/credentials",
          );
          return listed.body.credentials.channels.every((c) => c.status === "connected");
        },
        { what: "both channels reconnected" },
      );
      expect(await page.getByRole("button", { name: /^Reconnect/ }).count()).toBe(0);
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });
});
