import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectThroughMicrosoft, followCallback } from "../server/test/outlook-helpers.ts";
import { waitFor } from "../server/test/wait-for.ts";
import { createReadyAccount, type ReadyAccount } from "./accounts.ts";
import { assertWebBuilt, launchBrowser, logIn, openPage } from "./browser.ts";
import { type ConnectWorld, startConnectWorld } from "./microsoft.ts";

// A connected mailbox whose first sync has run: its page and Settings > Channels show sync health.
let world: ConnectWorld;
let browser: Browser;
let account: ReadyAccount;
let channelId: string;

interface Health {
  state: string;
  lastDeltaAt: string | null;
}

beforeAll(async () => {
  assertWebBuilt();
  world = await startConnectWorld({ platform: true });
  browser = await launchBrowser();
  account = await createReadyAccount(world.server, { name: "Sam Sync", orgName: "Sync Co" });
  const { page } = await connectThroughMicrosoft(account.client, world.emulator);
  channelId = (await followCallback(account.client, page)).split("/")[3]!;
  // Subscribing and the first sync run in jobs; asking again is harmless if connect already did.
  await world.server.mailroom.queue.send("subscription-upkeep", { action: "subscribe", channelId });
  await account.client.post(`/api/channels/${channelId}/sync`);
  await waitFor(
    async () => {
      const res = await account.client.get<{ sync: Health }>(`/api/channels/${channelId}/sync`);
      return res.body.sync.state === "healthy" && res.body.sync.lastDeltaAt;
    },
    { what: "a healthy channel after its first sync", timeoutMs: 60_000 },
  );
});

afterAll(async () => {
  await browser?.close();
  await world?.close();
});

/** Screenshots at a laptop width and at 375px; nothing may scroll sideways on a phone. */
async function screenshots(page: Page, name: string) {
  await page.evaluate("window.scrollTo(0, 0)");
  await page.screenshot({ path: `/tmp/e2e-${name}.png`, fullPage: true });
  await page.setViewportSize({ width: 375, height: 740 });
  await page.screenshot({ path: `/tmp/e2e-${name}-375.png`, fullPage: true });
  expect(await page.evaluate<number>("document.documentElement.scrollWidth")).toBeLessThanOrEqual(375);
  await page.setViewportSize({ width: 1280, height: 800 });
}

describe("sync health in Chromium", () => {
  it("shows the channel's Sync section: real-time, last full check, messages, Check now", async () => {
    const { page, problems, close } = await openPage(browser, { baseURL: world.server.url });
    try {
      await page.goto(`/settings/channels/${channelId}`);
      await logIn(page, account.email, account.password);
      const sync = page.getByRole("region", { name: "Sync", exact: true });
      await sync.getByText("Healthy", { exact: true }).waitFor();
      await sync.getByText("Real-time (webhooks)").waitFor();
      await sync.getByText(/^Renews automatically; expires /).waitFor();

      const lastCheck = sync.locator(".facts__row", { hasText: "Last full check" }).locator("time");
      await lastCheck.waitFor();
      expect(await lastCheck.textContent()).toMatch(/just now|minute/);
      expect(await lastCheck.getAttribute("title")).toBeTruthy();
      const synced = sync.locator(".facts__row", { hasText: "Messages synced" }).locator("dd");
      expect(await synced.textContent()).toMatch(/^\d[\d,.]* from Inbox and Sent Items$/);
      await sync.getByText("No sync errors recorded.").waitFor();

      // Check now: the page follows the check until its new "last full check" time shows.
      const before = await lastCheck.getAttribute("datetime");
      await sync.getByRole("button", { name: "Check now" }).click();
      await sync.getByText(/Checking for new mail now\.|A check is already on its way\./).waitFor();
      await waitFor(async () => (await lastCheck.getAttribute("datetime")) !== before, {
        what: "the new last full check on the page",
        timeoutMs: 60_000,
      });
      await screenshots(page, "channel-sync-health");
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });

  it("shows each channel's health pill and label in Settings › Channels", async () => {
    const { page, problems, close } = await openPage(browser, { baseURL: world.server.url });
    try {
      await page.goto("/settings/channels");
      await logIn(page, account.email, account.password);
      const row = page.getByRole("list", { name: "Channels" }).getByRole("listitem");
      await row.getByText("Healthy", { exact: true }).waitFor();
      await row.getByText("Up to date — Microsoft notifies Mailroom of new mail").waitFor();
      await screenshots(page, "channels-sync-health");
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });
});
