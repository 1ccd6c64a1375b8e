import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emulatorFetch, jsonInit } from "../emulator/src/testing/emulator-fetch.ts";
import { header, mailboxMessages } from "../server/test/outbox-helpers.ts";
import { connectThroughMicrosoft, followCallback } from "../server/test/outlook-helpers.ts";
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

describe("Replying in Chromium", () => {
  it("replies from an alias with an attachment; the customer gets it in the same thread, after the undo window", async () => {
    const owner = await createReadyAccount(world.server, { name: "Rita Reply", orgName: "Reply Co" });
    const channelId = await connectMailbox(world, owner.client, { subscriptions: false });
    await emulatorFetch(
      world.emulator,
      "/_emulator/tenants/contoso.com/send-from-alias",
      jsonInit("POST", { enabled: true }),
    );
    expect((await owner.client.patch(`/api/channels/${channelId}`, { undoSendSeconds: 3 })).status).toBe(200);

    const { page, problems, close } = await openPage(browser, { baseURL: world.server.url });
    try {
      await signInAs(page, owner.client, world.server);
      await page.goto("/inbox");
      await page.getByRole("link", { name: /Question about shipping to Spain/ }).click();
      const pane = page.getByRole("article", { name: "Question about shipping to Spain" });
      const composer = page.getByRole("form", { name: "Reply" });
      // Click Reply until the composer shows: on a busy machine the thread's frames may still be
      // settling to their height, and a click can land where the button was a moment before.
      // (Once it opens, the button is gone and a late click finds nothing.)
      await waitFor(
        async () => {
          if (await composer.isVisible()) return true;
          await pane
            .getByRole("button", { name: "Reply", exact: true })
            .click({ timeout: 5_000 })
            .catch(() => {});
          return composer.isVisible();
        },
        { what: "the Reply composer open" },
      );
      // The customer wrote to help@: the reply goes from there by default.
      expect(await composer.getByLabel("From").inputValue()).toBe("help@contoso.com");
      // Type once the editor has the focus (Tiptap mounts its editor after the composer renders).
      const editor = composer.getByRole("textbox", { name: "Message" });
      await waitFor(
        async () => {
          await editor.click();
          return editor.evaluate((el) => el.contains(document.activeElement));
        },
        { what: "the message editor focused" },
      );
      await page.keyboard.type("We ship to Spain within 5 days.");
      await waitFor(
        async () => ((await editor.textContent()) ?? "").includes("We ship to Spain within 5 days."),
        {
          what: "the typed reply in the editor",
        },
      );
      await composer.locator('input[type="file"]').setInputFiles({
        name: "rates.pdf",
        mimeType: "application/pdf",
        buffer: Buffer.from("%PDF-1.4 shipping rates"),
      });
      await composer.getByRole("button", { name: "Send" }).waitFor();
      await page.waitForFunction(() =>
        [...document.querySelectorAll("progress")].every((p) => p.value === p.max),
      );
      await composer.getByRole("button", { name: "Send" }).click();
      await page
        .getByRole("status")
        .filter({ hasText: /Sending in/ })
        .waitFor();
      await page.screenshot({ path: "/tmp/e2e-reply-undo.png", fullPage: true });

      const sofia = "sofia.alvarez@gmail.com";
      const outbound = await waitFor(
        async () => {
          const res = await emulatorFetch(world.emulator, `/_emulator/outbound?to=${sofia}`);
          const body = (await res.json()) as {
            value: {
              from: string;
              subject: string;
              inReplyTo: string | null;
              attachments: { name: string }[];
            }[];
          };
          return body.value.find((m) => m.subject.includes("Question about shipping to Spain"));
        },
        { what: "the reply to leave", timeoutMs: 60_000 },
      );
      expect(JSON.stringify(outbound.from)).toContain("help@contoso.com");
      expect(outbound.attachments.map((a) => a.name)).toEqual(["rates.pdf"]);
      // Threaded by Exchange: In-Reply-To names a message of the thread (the newest one answered).
      const thread = (await mailboxMessages(world.emulator, "support@contoso.com")).filter(
        (m) => m.subject.includes("Question about shipping to Spain") && !header(m, "x-mailroom-outbox-id"),
      );
      expect(thread.map((m) => m.internetMessageId)).toContain(outbound.inReplyTo);
      // The sent copy shows in the thread once (it replaces the outgoing entry).
      // Synced, it is a message of the thread like any other: its body in its sandboxed frame.
      await pane
        .frameLocator("iframe")
        .last()
        .getByText("We ship to Spain within 5 days.")
        .waitFor({ timeout: 60_000 });
      const copies = (await mailboxMessages(world.emulator, "support@contoso.com", "sentitems")).filter(
        (m) => header(m, "x-mailroom-outbox-id") && m.body.content.includes("We ship to Spain"),
      );
      expect(copies).toHaveLength(1);
      await page.screenshot({ path: "/tmp/e2e-reply-sent.png", fullPage: true });
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });

  it("Undo brings the reply back into the composer, unsent", async () => {
    const owner = await createReadyAccount(world.server, { name: "Uma Undo", orgName: "Undo Co" });
    const { page: consent } = await connectThroughMicrosoft(owner.client, world.emulator, {
      account: { login: "alex@contoso.com", password: "Passw0rd!" },
    });
    const channelId = (await followCallback(owner.client, consent)).split("/")[3]!;
    expect((await owner.client.patch(`/api/channels/${channelId}`, { undoSendSeconds: 30 })).status).toBe(
      200,
    );
    const { page, problems, close } = await openPage(browser, { baseURL: world.server.url });
    try {
      await signInAs(page, owner.client, world.server);
      await page.goto("/inbox");
      await page.getByRole("button", { name: "New email" }).click();
      const composer = page.getByRole("form", { name: "New email" });
      const to = composer.getByLabel("To", { exact: true });
      await to.fill("undo-test@example.net");
      await to.press("Enter");
      await composer.getByLabel("Subject").fill("Never mind");
      await composer.getByRole("textbox", { name: "Message" }).click();
      await page.keyboard.type("This should never leave.");
      await composer.getByRole("button", { name: "Send" }).click();
      await page.getByRole("button", { name: "Undo", exact: true }).click();
      const back = page.getByRole("form", { name: "New email" });
      await back.getByText("This should never leave.").waitFor();
      expect(await back.getByLabel("Subject").inputValue()).toBe("Never mind");
      await back.getByText("undo-test@example.net").waitFor();
      const res = await emulatorFetch(world.emulator, "/_emulator/outbound?to=undo-test@example.net");
      expect(((await res.json()) as { value: unknown[] }).value).toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });
});
