import { eq } from "drizzle-orm";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliverMessage } from "../emulator/src/store/messages.ts";
import { holdRequest } from "../emulator/src/testing/hold-request.ts";
import { syncCursors } from "../server/src/mail/schema.ts";
import { connectThroughMicrosoft, followCallback, syncAtRest } from "../server/test/outlook-helpers.ts";
import { waitFor } from "../server/test/wait-for.ts";
import { createReadyAccount } from "./accounts.ts";
import { assertWebBuilt, launchBrowser, logIn, openPage } from "./browser.ts";
import { type ConnectWorld, startConnectWorld } from "./microsoft.ts";

let world: ConnectWorld;
let browser: Browser;
const DAY = 86_400_000;

beforeAll(async () => {
  assertWebBuilt();
  world = await startConnectWorld({ platform: true });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await world?.close();
});

/**
 * Mail received 8–29 days ago (older than what connecting imports: the last 7 days), put straight
 * into the in-process emulator's mailbox — 1,100 of them, so the Inbox takes two pages of 1,000.
 */
function seedOlderMail(count: number) {
  const store = world.emulator.store;
  const mailbox = store.mailbox("support@contoso.com")!;
  for (let i = 0; i < count; i++) {
    const received = new Date(Date.now() - (8 + (21 * i) / count) * DAY);
    deliverMessage(store, mailbox, "inbox", {
      subject: `Older question ${i + 1}`,
      body: { contentType: "text", content: "From a while ago" },
      from: { emailAddress: { name: "Old Customer", address: "old@example.net" } },
      receivedDateTime: received.toISOString().replace(/\.\d{3}Z$/, "Z"),
    });
  }
}

describe("Sync older mail in Chromium", () => {
  it("an admin syncs the last 30 days and watches the progress bar reach done", async () => {
    seedOlderMail(1100);
    const owner = await createReadyAccount(world.server, { name: "Bea Backfill", orgName: "Backfill Co" });
    const { page: microsoft } = await connectThroughMicrosoft(owner.client, world.emulator);
    const channelId = (await followCallback(owner.client, microsoft)).split("/")[3]!;
    await waitFor(
      async () => {
        const cursors = await world.server.database.db
          .select()
          .from(syncCursors)
          .where(eq(syncCursors.channelId, channelId));
        return cursors.length === 2 && cursors.every((c) => c.deltaLink);
      },
      { what: "the first import", timeoutMs: 60_000 },
    );
    // After the first import and whatever follows a connect (the catch-up sync a new subscription
    // queues), so only the backfill's list requests meet it.
    await syncAtRest(world.server.database.db, channelId);
    // The backfill's first Inbox page goes at once; the second waits until the bar has shown the first.
    const secondPage = await holdRequest(world.emulator, "/v1.0/me/mailFolders/inbox/messages", { pass: 1 });

    const { page, problems, close } = await openPage(browser, { baseURL: world.server.url });
    try {
      await page.goto(`/settings/channels/${channelId}`);
      await logIn(page, owner.email, owner.password);
      const panel = page.getByRole("region", { name: "Sync older mail" });
      await panel.waitFor();
      await panel.getByRole("radio", { name: "30 days" }).check();
      await panel.getByRole("button", { name: "Sync older mail" }).click();

      const bar = panel.getByRole("progressbar", { name: "Syncing the last 30 days" });
      await bar.waitFor();
      // The first page is in; the second is held at Graph.
      await panel.getByText(/^1,0\d\d of 1,1\d\d messages$/).waitFor();
      expect(Number(await bar.getAttribute("aria-valuenow"))).toBeGreaterThanOrEqual(1000);
      expect(Number(await bar.getAttribute("aria-valuemax"))).toBeGreaterThanOrEqual(1100);
      await page.screenshot({ path: "/tmp/e2e-sync-older-mail-running.png", fullPage: true });
      await secondPage.release();

      await panel.getByText(/^Done: [\d,]+ messages from the last 30 days checked\./).waitFor();
      expect(await bar.count()).toBe(0);
      await page.screenshot({ path: "/tmp/e2e-sync-older-mail-done.png", fullPage: true });
      expect(await panel.getByRole("button", { name: "Sync older mail" }).isEnabled()).toBe(true);
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });
});
