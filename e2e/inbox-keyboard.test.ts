import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { emulatorFetch, jsonInit } from "../emulator/src/testing/emulator-fetch.ts";
import { waitFor } from "../server/test/wait-for.ts";
import { createReadyAccount } from "./accounts.ts";
import { assertWebBuilt, launchBrowser, openPage } from "./browser.ts";
import { type ConnectWorld, connectMailbox, signInAs, startConnectWorld } from "./microsoft.ts";

// Issue 11 items 1 and 8: the list works from the keyboard (j/k/Enter/e/Esc/? and r/a/f handing
// over to the composer), opening marks read in Outlook too, and the search box filters the list.

let world: ConnectWorld;
let browser: Browser;
/** The first test's account, its mailbox connected (the second test goes on from there). */
let owner: Awaited<ReturnType<typeof createReadyAccount>> | undefined;

beforeAll(async () => {
  assertWebBuilt();
  world = await startConnectWorld({ platform: true });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await world?.close();
});

const stored = z.object({ value: z.array(z.object({ subject: z.string(), isRead: z.boolean() })) });
async function outlook(folder: string) {
  const res = await emulatorFetch(
    world.emulator,
    `/_emulator/mailboxes/support@contoso.com/messages?folder=${folder}`,
  );
  return stored.parse(await res.json()).value;
}

describe("Inbox keyboard in Chromium", () => {
  it("j/k move, Enter opens (and marks read in Outlook), ? lists shortcuts, r/a/f open the composer where writing starts, e archives, Esc closes", async () => {
    owner = await createReadyAccount(world.server, { name: "Kim Keys", orgName: "Keys Co" });
    await connectMailbox(world, owner.client);
    const tag = `K${Date.now()}`;
    const subjects = [`${tag} first`, `${tag} second`, `${tag} third`];
    for (const subject of subjects) {
      const sent = await emulatorFetch(
        world.emulator,
        "/_emulator/mailboxes/support@contoso.com/inbound",
        jsonInit("POST", {
          from: { name: "Casey", address: "casey@example.net" },
          subject,
          text: `About ${subject}`,
        }),
      );
      expect(sent.status).toBe(201);
    }

    const { page, problems, close } = await openPage(browser, { baseURL: world.server.url });
    try {
      await signInAs(page, owner.client, world.server);
      await page.goto(`/inbox?q=${tag}`);
      const list = page.getByRole("list", { name: "Conversations" });
      await waitFor(async () => (await list.getByRole("link").count()) === 3, {
        what: "the three conversations, searched",
        timeoutMs: 60_000,
      });
      await page.evaluate(
        "window.__compose = []; window.addEventListener('mailroom:compose', (e) => window.__compose.push(e.detail.kind))",
      );
      const focusedSubject = () =>
        page.evaluate<string>("document.activeElement?.closest('a.conversation-item')?.textContent ?? ''");

      // The list's own order (newest first; mail of the same second by id).
      const order = await page.evaluate<string[]>(
        "[...document.querySelectorAll('a.conversation-item .conversation-item__subject')].map((e) => e.textContent.trim())",
      );
      expect([...order].sort()).toEqual([...subjects].sort());
      const [top, middle, bottom] = order as [string, string, string];
      await page.keyboard.press("j");
      expect(await focusedSubject()).toContain(top);
      await page.keyboard.press("j");
      expect(await focusedSubject()).toContain(middle);
      await page.keyboard.press("k");
      expect(await focusedSubject()).toContain(top);
      await page.keyboard.press("j");
      await page.keyboard.press("Enter");
      const pane = page.getByRole("article", { name: middle });
      // The body is in its sandboxed frame (reading): look inside it.
      await pane.frameLocator("iframe").first().getByText(`About ${middle}`).waitFor();
      // Opening marked it read in Outlook too.
      await waitFor(async () => (await outlook("inbox")).find((m) => m.subject === middle)?.isRead, {
        what: "the opened conversation read in Outlook",
      });

      await page.keyboard.press("?");
      const dialog = page.getByRole("dialog", { name: "Keyboard shortcuts" });
      await dialog.waitFor();
      expect(await dialog.textContent()).toContain("Archive");
      await page.keyboard.press("Escape");
      await dialog.waitFor({ state: "hidden" });

      // r, a and f open the composer with the cursor where writing starts: in the text of a reply
      // (what follows is typing, not shortcuts), in To of a forward.
      const composer = async (key: string, name: string, field: string) => {
        await page.keyboard.press(key);
        const form = page.getByRole("form", { name });
        const target = form.getByLabel(field, { exact: true });
        await waitFor(
          async () => {
            if (await target.evaluate((e) => e.contains(document.activeElement))) return true;
            // Said when it times out: where the cursor is instead.
            throw new Error(
              await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 200) ?? "none"),
            );
          },
          { what: `the cursor in ${name}'s ${field}` },
        );
        return { form, target };
      };
      const reply = await composer("r", "Reply", "Message");
      await page.keyboard.type("fa");
      expect(await reply.target.textContent()).toContain("fa");
      await reply.form.getByRole("button", { name: "Close" }).click();
      for (const [key, name, field] of [
        ["a", "Reply all", "Message"],
        ["f", "Forward", "To"],
      ] as const) {
        const { form } = await composer(key, name, field);
        await form.getByRole("button", { name: "Close" }).click();
      }
      expect(await page.evaluate("window.__compose")).toEqual(["reply", "replyAll", "forward"]);

      // e archives the open conversation in Outlook; the list drops it and the next one opens.
      await page.keyboard.press("e");
      await waitFor(async () => (await outlook("archive")).some((m) => m.subject === middle), {
        what: "the conversation archived in Outlook",
      });
      await list
        .getByRole("link", { name: new RegExp(middle) })
        .waitFor({ state: "detached", timeout: 30_000 });
      await page.getByRole("article", { name: bottom }).waitFor();

      await page.keyboard.press("Escape");
      await waitFor(async () => !new URL(page.url()).searchParams.has("c"), { what: "the pane closed" });
      await page.getByText("Choose a conversation to read it here.").waitFor();

      // Typing in the search box is typing, not shortcuts.
      const search = page.getByRole("searchbox", { name: "Search conversations" });
      await search.fill(bottom);
      // The searched list: the others go, and (once loaded) only the one searched for is there.
      await list.getByRole("link", { name: new RegExp(top) }).waitFor({ state: "detached", timeout: 30_000 });
      await list.getByRole("link", { name: new RegExp(bottom) }).waitFor({ timeout: 30_000 });
      expect(await list.getByRole("link").count()).toBe(1);
      expect(await page.evaluate("window.__compose")).toEqual(["reply", "replyAll", "forward"]);
      await page.screenshot({ path: "/tmp/e2e-inbox-keyboard.png", fullPage: true });
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  }, 180_000);

  it("archives a selection with a progress summary, and closes all matching", async () => {
    if (!owner) throw new Error("the first test connects the mailbox");
    const tag = `B${Date.now()}`;
    for (const n of [1, 2, 3]) {
      const sent = await emulatorFetch(
        world.emulator,
        "/_emulator/mailboxes/support@contoso.com/inbound",
        jsonInit("POST", {
          from: { name: "Bo", address: "bo@example.net" },
          subject: `${tag} n${n}`,
          text: "Hi",
        }),
      );
      expect(sent.status).toBe(201);
    }
    const { page, problems, close } = await openPage(browser, { baseURL: world.server.url });
    try {
      await signInAs(page, owner.client, world.server);
      await page.goto(`/inbox?q=${tag}`);
      const list = page.getByRole("list", { name: "Conversations" });
      await waitFor(async () => (await list.getByRole("link").count()) === 3, {
        what: "the three conversations",
        timeoutMs: 60_000,
      });
      // All matching: one checked, then everything the search matches, read in Outlook.
      const bar = page.getByRole("toolbar", { name: "Selected conversations" });
      await page.getByRole("checkbox", { name: `Select: ${tag} n1` }).check();
      await bar.getByText("1 selected").waitFor();
      await bar.getByRole("button", { name: "Select all matching" }).click();
      await bar.getByText("All matching conversations selected").waitFor();
      await bar.getByRole("button", { name: "Mark read" }).click();
      await page
        .getByRole("status")
        .filter({ hasText: "Marked read 3 conversations" })
        .waitFor({ timeout: 60_000 });
      const read = (await outlook("inbox")).filter((m) => m.subject.startsWith(tag));
      expect(read.map((m) => m.isRead)).toEqual([true, true, true]);

      // A selection of two, archived: a summary in words, gone from the list and in Outlook's Archive.
      await page.getByRole("checkbox", { name: `Select: ${tag} n1` }).check();
      await page.getByRole("checkbox", { name: `Select: ${tag} n2` }).check();
      await bar.getByText("2 selected").waitFor();
      await bar.getByRole("button", { name: "Archive" }).click();
      await page
        .getByRole("status")
        .filter({ hasText: "Archived 2 conversations" })
        .waitFor({ timeout: 60_000 });
      await waitFor(async () => (await list.getByRole("link").count()) === 1, {
        what: "the archived two to leave",
      });
      const archived = (await outlook("archive")).map((m) => m.subject);
      expect(archived).toEqual(expect.arrayContaining([`${tag} n1`, `${tag} n2`]));
      await page.screenshot({ path: "/tmp/e2e-inbox-bulk.png", fullPage: true });

      // Closed leaves the Open list for the Closed one.
      await page.getByRole("checkbox", { name: `Select: ${tag} n3` }).check();
      await bar.getByRole("button", { name: "Close" }).click();
      await page
        .getByRole("status")
        .filter({ hasText: "Closed 1 conversation" })
        .waitFor({ timeout: 60_000 });
      await page.getByRole("button", { name: "Closed", exact: true }).click();
      await list.getByRole("link", { name: new RegExp(`${tag} n3`) }).waitFor({ timeout: 30_000 });
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  }, 180_000);
});
