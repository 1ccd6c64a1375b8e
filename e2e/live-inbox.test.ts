import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emulatorFetch, jsonInit } from "../emulator/src/testing/emulator-fetch.ts";
import { waitFor } from "../server/test/wait-for.ts";
import { createReadyAccount } from "./accounts.ts";
import { assertWebBuilt, launchBrowser, openPage } from "./browser.ts";
import { type ConnectWorld, connectMailbox, signInAs, startConnectWorld } from "./microsoft.ts";

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

const PDF = Buffer.from("%PDF-1.4 a pretend invoice");

describe("Live inbox in Chromium", () => {
  it("shows customer mail as it arrives, without a reload, and opens it with its attachment", async () => {
    const owner = await createReadyAccount(world.server, { name: "Lina Live", orgName: "Live Co" });
    await connectMailbox(world, owner.client);

    const { page, problems, close } = await openPage(browser, { baseURL: world.server.url });
    try {
      await signInAs(page, owner.client, world.server);
      await page.goto("/inbox");
      await page.getByRole("heading", { name: "All inboxes", level: 1 }).waitFor();
      await page.getByRole("list", { name: "Conversations" }).waitFor();
      // The live stream is open before the mail is sent: a nudge from the server makes the page
      // refetch its inboxes once it listens.
      const me = await owner.client.get<{ org: { id: string } }>("/api/me");
      await waitFor(
        async () => {
          const refetched = page
            .waitForRequest((r) => new URL(r.url()).pathname === "/api/inboxes", { timeout: 500 })
            .then(
              () => true,
              () => false,
            );
          await world.server.mailroom.events.publish(me.body.org.id, { type: "inboxes.updated", data: {} });
          return refetched;
        },
        { what: "the live stream to be open", timeoutMs: 60_000 },
      );

      // Anything that reloads the page loses this marker; a full navigation would also be counted.
      await page.evaluate("window.__sameDocument = true");
      let navigations = 0;
      page.on("framenavigated", (frame) => {
        if (frame === page.mainFrame()) navigations += 1;
      });

      const subject = `Broken lamp ${Date.now()}`;
      const sent = await emulatorFetch(
        world.emulator,
        "/_emulator/mailboxes/support@contoso.com/inbound",
        jsonInit("POST", {
          from: { name: "Casey Customer", address: "casey@example.net" },
          subject,
          text: "The lamp arrived broken. Invoice attached.",
          attachments: [
            { name: "invoice.pdf", contentType: "application/pdf", contentBase64: PDF.toString("base64") },
          ],
        }),
      );
      expect(sent.status).toBe(201);

      const item = page.getByRole("link", { name: new RegExp(subject) });
      await item.waitFor({ timeout: 60_000 });
      expect(await page.evaluate("window.__sameDocument")).toBe(true);
      expect(navigations).toBe(0);
      expect(await item.textContent()).toContain("Casey Customer");
      expect(await item.textContent()).toContain("has attachments");
      await page.screenshot({ path: "/tmp/e2e-live-inbox.png", fullPage: true });

      // The list is keyboard-first: ↓ moves to the next conversation, Enter would open it.
      const focused = () =>
        page.evaluate<number>(
          "[...document.querySelectorAll('a.conversation-item')].indexOf(document.activeElement)",
        );
      await item.focus();
      const from = await focused();
      await page.keyboard.press("ArrowDown");
      expect(await focused()).toBe(from + 1);
      await item.click();
      const pane = page.getByRole("article", { name: subject });
      // The body is the message's own document, in its sandboxed frame (ADR 017).
      const body = page.frameLocator('iframe[title="Message from Casey Customer"]');
      await body.getByText("The lamp arrived broken. Invoice attached.").waitFor();
      const chip = pane
        .getByRole("list", { name: "Attachments" })
        .getByRole("link", { name: "Download invoice.pdf" });
      await chip.waitFor();
      expect(await item.getAttribute("aria-current")).toBe("true");
      const [download] = await Promise.all([page.waitForEvent("download"), chip.click()]);
      expect(download.suggestedFilename()).toBe("invoice.pdf");
      await page.screenshot({ path: "/tmp/e2e-live-inbox-open.png", fullPage: true });

      // On a phone the conversation is its own view, with a way back to the list.
      await page.setViewportSize({ width: 375, height: 740 });
      await body.getByText("The lamp arrived broken.").waitFor();
      expect(await page.getByRole("list", { name: "Conversations" }).isVisible()).toBe(false);
      expect(await page.evaluate<number>("document.documentElement.scrollWidth")).toBeLessThanOrEqual(375);
      await page.screenshot({ path: "/tmp/e2e-live-inbox-open-375.png", fullPage: true });
      await page.getByRole("link", { name: "← Conversations" }).click();
      await page.getByRole("list", { name: "Conversations" }).waitFor();
      expect(await page.evaluate<number>("document.documentElement.scrollWidth")).toBeLessThanOrEqual(375);
      await page.screenshot({ path: "/tmp/e2e-live-inbox-375.png", fullPage: true });
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });
});
