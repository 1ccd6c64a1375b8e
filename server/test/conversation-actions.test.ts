import { randomUUID } from "node:crypto";
import { folderChoice } from "@mailroom/contract";
import { and, count, eq, inArray, isNull } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { graphDateTime } from "../../emulator/src/clock.ts";
import type { Emulator } from "../../emulator/src/index.ts";
import { deliverMessage } from "../../emulator/src/store/messages.ts";
import { emulatorFetch, jsonInit } from "../../emulator/src/testing/emulator-fetch.ts";
import { messages } from "../src/mail/schema.ts";
import { startTestEmulator, supportGraph } from "./emulator.ts";
import type { TestClient, TestServer } from "./harness.ts";
import { LogCapture } from "./log-capture.ts";
import {
  connectThroughMicrosoft,
  followCallback,
  SUPPORT,
  startConnectedMailbox,
} from "./outlook-helpers.ts";
import { listenToEvents } from "./sse.ts";
import { waitFor } from "./wait-for.ts";

// Issue 11 item 7 and item 8's "opening marks it read, in Outlook too": filters, search, and
// actions on one conversation or a selection, against the emulator (real server, real Graph calls).

const BULK = 100;
const PARTIAL = 6;
const QUIET = 3;

let emulator: Emulator;
let server: TestServer;
let owner: TestClient;
let channelId: string;
let total = 0;
const logs = new LogCapture("warn");
const seeded: string[] = [];

const item = z.object({
  id: z.string(),
  subject: z.string(),
  unreadCount: z.number(),
  status: z.enum(["open", "closed"]),
});
const page = z.object({ conversations: z.array(item), nextCursor: z.string().nullable() });
const bulkAction = z.object({
  id: z.string(),
  status: z.string(),
  total: z.number(),
  done: z.number(),
  failed: z.number(),
  failures: z.array(
    z.object({ conversationId: z.string(), subject: z.string(), error: z.string().optional() }),
  ),
  summary: z.string().nullable(),
});
const storedMessage = z.object({ id: z.string(), subject: z.string(), isRead: z.boolean() });

/** Customer mail straight into the mailbox's Inbox before it is connected; the first sync imports it. */
function seed(subject: string, from: { name: string; address: string }, text = "Hello") {
  const store = emulator.app.emulator.store;
  const mailbox = [...store.state.mailboxes.values()].find((m) => m.userPrincipalName === SUPPORT.login)!;
  total++;
  seeded.push(subject);
  deliverMessage(store, mailbox, "inbox", {
    subject,
    body: { contentType: "text", content: text },
    from: { emailAddress: from },
    toRecipients: [{ emailAddress: { name: "Support", address: SUPPORT.login } }],
    receivedDateTime: graphDateTime(Date.now() - 3_600_000 + total * 1000),
    isRead: false,
  });
}

beforeAll(async () => {
  emulator = await startTestEmulator();
  for (let i = 0; i < BULK; i++) seed(`Zqbulk ${i}`, { name: `Customer ${i}`, address: `c${i}@example.net` });
  for (let i = 0; i < PARTIAL; i++) seed(`Zqpartial ${i}`, { name: "Pat", address: `p${i}@example.net` });
  for (let i = 0; i < QUIET; i++) seed(`Zqquiet ${i}`, { name: "Quinn", address: `q${i}@example.net` });
  seed(
    "Quillon 7781",
    { name: "Zelda Quartz", address: "zq@example.org" },
    "Please find the pelican attached.",
  );
  seed("Zqopen me", { name: "Olive", address: "olive@example.net" });
  seed("Zqvendor lamps", { name: "Vera", address: "vera@lamps.example" });
  seed("Zq 100% sure", { name: "Percy", address: "percy@example.net" });
  const connected = await startConnectedMailbox({ emulator, logs });
  ({ server, admin: owner, channelId } = connected);
  const db = server.database.db;
  await waitFor(
    async () => {
      const [row] = await db
        .select({ n: count() })
        .from(messages)
        .where(and(isNull(messages.removedAt), inArray(messages.subject, seeded)));
      return row!.n === total;
    },
    { what: "the first sync to import the seeded mail", timeoutMs: 90_000 },
  );
}, 120_000);

afterAll(async () => {
  await server?.close();
  await emulator?.close();
});

beforeEach(async () => {
  await emulatorFetch(emulator, "/_emulator/faults/clear", jsonInit("POST", {}));
});

async function list(query: string) {
  const res = await owner.get(`/api/conversations?limit=100&${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return page.parse(res.body);
}

async function find(subject: string) {
  const found = (await list(`q=${encodeURIComponent(subject)}`)).conversations.find(
    (c) => c.subject === subject,
  );
  expect(found, subject).toBeDefined();
  return found!;
}

async function act(conversationId: string, action: Record<string, unknown>) {
  const res = await owner.post(`/api/conversations/${conversationId}/actions`, { action });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return z.object({ outcome: z.object({ ok: z.boolean(), error: z.string().optional() }) }).parse(res.body)
    .outcome;
}

async function mailbox(folder: string) {
  const res = await emulatorFetch(
    emulator,
    `/_emulator/mailboxes/${SUPPORT.login}/messages?folder=${folder}`,
  );
  return z.object({ value: z.array(storedMessage) }).parse(await res.json()).value;
}

async function counters() {
  const res = await emulatorFetch(emulator, "/_emulator/counters");
  return z
    .object({
      endpoints: z.record(
        z.string(),
        z.object({ count: z.number(), byStatus: z.record(z.string(), z.number()) }),
      ),
    })
    .parse(await res.json()).endpoints;
}

async function runBulk(body: Record<string, unknown>) {
  const res = await owner.post("/api/bulk-actions", body);
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  const { id } = bulkAction.parse(z.object({ bulkAction: z.unknown() }).parse(res.body).bulkAction);
  return waitFor(
    async () => {
      const current = await owner.get(`/api/bulk-actions/${id}`);
      const parsed = bulkAction.parse(z.object({ bulkAction: z.unknown() }).parse(current.body).bulkAction);
      return parsed.status === "done" || parsed.status === "failed" ? parsed : undefined;
    },
    { what: "the bulk action to finish", timeoutMs: 90_000, intervalMs: 100 },
  );
}

describe("conversation list filters and search", () => {
  it("finds conversations by sender, subject and body text, case-insensitively, with % taken literally", async () => {
    expect((await list("q=ZQ%40EXAMPLE.org")).conversations.map((c) => c.subject)).toEqual(["Quillon 7781"]);
    expect((await list("q=zelda")).conversations.map((c) => c.subject)).toEqual(["Quillon 7781"]);
    expect((await list("q=quillon%207781")).conversations.map((c) => c.subject)).toEqual(["Quillon 7781"]);
    expect((await list("q=PELICAN")).conversations.map((c) => c.subject)).toEqual(["Quillon 7781"]);
    expect((await list("q=100%25")).conversations.map((c) => c.subject)).toEqual(["Zq 100% sure"]);
    expect((await list("q=no-such-text-anywhere")).conversations).toEqual([]);
  });

  it("pages a filtered list with the keyset cursor: every match once", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await owner.get(`/api/conversations?limit=30&q=Zqbulk${cursor ? `&cursor=${cursor}` : ""}`);
      const body = page.parse(res.body);
      seen.push(...body.conversations.map((c) => c.subject));
      cursor = body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(BULK);
    expect(new Set(seen).size).toBe(BULK);
    expect(seen.every((s) => s.startsWith("Zqbulk "))).toBe(true);
  });

  it("closes and reopens a conversation (Mailroom only) and filters open / closed", async () => {
    const invoice = await find("Quillon 7781");
    expect(invoice.status).toBe("open");
    expect(await act(invoice.id, { type: "close" })).toMatchObject({ ok: true });
    expect((await list("status=closed")).conversations.map((c) => c.subject)).toEqual(["Quillon 7781"]);
    expect((await list("status=open&q=Quillon")).conversations).toEqual([]);
    expect(await act(invoice.id, { type: "reopen" })).toMatchObject({ ok: true });
    expect((await list("status=closed")).conversations).toEqual([]);
    expect((await list("status=open&q=Quillon")).conversations).toHaveLength(1);
  });

  it("reopens a closed conversation when the customer writes again", async () => {
    const conversation = await find("Zq 100% sure");
    expect(await act(conversation.id, { type: "close" })).toMatchObject({ ok: true });
    expect((await find("Zq 100% sure")).status).toBe("closed");
    const [original] = await server.database.db
      .select({ internetMessageId: messages.internetMessageId })
      .from(messages)
      .where(eq(messages.conversationId, conversation.id));
    const reply = await emulatorFetch(
      emulator,
      `/_emulator/mailboxes/${SUPPORT.login}/inbound`,
      jsonInit("POST", {
        from: { name: "Percy", address: "percy@example.net" },
        subject: "RE: Zq 100% sure",
        text: "One more thing",
        inReplyTo: original!.internetMessageId,
      }),
    );
    expect(reply.status).toBe(201);
    await waitFor(
      async () => (await list("status=open&q=One%20more%20thing")).conversations[0]?.id === conversation.id,
      {
        what: "the customer's reply to reopen the conversation",
        timeoutMs: 60_000,
      },
    );
  });

  it("refuses filters it doesn't know with a 400, never a 500", async () => {
    expect((await owner.get("/api/conversations?status=snoozed")).status).toBe(400);
    expect((await owner.get("/api/conversations?unread=maybe")).status).toBe(400);
    expect((await owner.get(`/api/conversations?q=${"x".repeat(201)}`)).status).toBe(400);
  });
});

describe("actions on one conversation, mirrored in Outlook", () => {
  it("opening marks it read in Outlook too, and it stays read after a reload", async () => {
    const conversation = await find("Zqopen me");
    expect(conversation.unreadCount).toBe(1);
    expect((await list("unread=true&q=Zqopen%20me")).conversations).toHaveLength(1);
    expect(await act(conversation.id, { type: "markRead" })).toEqual({ ok: true });
    const inOutlook = (await mailbox("inbox")).find((m) => m.subject === "Zqopen me")!;
    expect(inOutlook.isRead).toBe(true);
    // A reload: the list and the conversation say read, and the unread filter leaves it out.
    expect((await find("Zqopen me")).unreadCount).toBe(0);
    expect((await list("unread=true&q=Zqopen%20me")).conversations).toEqual([]);
    const detail = await owner.get<{ conversation: { unreadCount: number } }>(
      `/api/conversations/${conversation.id}`,
    );
    expect(detail.body.conversation.unreadCount).toBe(0);
    // And back: unread in Outlook and here.
    expect(await act(conversation.id, { type: "markUnread" })).toEqual({ ok: true });
    expect((await mailbox("inbox")).find((m) => m.subject === "Zqopen me")!.isRead).toBe(false);
    expect((await find("Zqopen me")).unreadCount).toBe(1);
  });

  it("moves a conversation to one of the mailbox's own folders, listed from Outlook with its path", async () => {
    const graph = supportGraph(emulator);
    const created = z.object({ id: z.string() });
    const vendors = await graph.request(
      { method: "POST", path: "/me/mailFolders", body: { displayName: "Vendors" } },
      created,
    );
    const lamps = await graph.request(
      { method: "POST", path: `/me/mailFolders/${vendors.id}/childFolders`, body: { displayName: "Lamps" } },
      created,
    );
    const res = await owner.get(`/api/channels/${channelId}/folders`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const { folders } = z.object({ folders: z.array(folderChoice) }).parse(res.body);
    expect(folders).toContainEqual({ id: lamps.id, name: "Lamps", path: "Vendors / Lamps" });
    expect(folders.map((f) => f.path)).not.toContain("Drafts");

    const conversation = await find("Zqvendor lamps");
    expect(await act(conversation.id, { type: "move", folderId: lamps.id })).toEqual({ ok: true });
    expect((await mailbox(lamps.id)).map((m) => m.subject)).toEqual(["Zqvendor lamps"]);
    expect((await mailbox("inbox")).some((m) => m.subject === "Zqvendor lamps")).toBe(false);
  });

  it("lists folders only of a mailbox the member sees: 404 otherwise", async () => {
    expect((await owner.get("/api/channels/not-a-uuid/folders")).status).toBe(404);
    expect((await owner.get(`/api/channels/${randomUUID()}/folders`)).status).toBe(404);
  });

  it("answers 404 for a conversation that isn't there, 400 for an action it doesn't know", async () => {
    expect(
      (await owner.post("/api/conversations/not-a-uuid/actions", { action: { type: "close" } })).status,
    ).toBe(404);
    const conversation = await find("Zqopen me");
    expect(
      (await owner.post(`/api/conversations/${conversation.id}/actions`, { action: { type: "explode" } }))
        .status,
    ).toBe(400);
  });
});

describe("bulk actions through $batch", () => {
  it(`archives ${BULK} conversations despite injected 429s: all archived in Outlook, none moved twice`, async () => {
    await emulatorFetch(emulator, "/_emulator/counters/reset", jsonInit("POST", {}));
    const burst = await emulatorFetch(
      emulator,
      "/_emulator/faults/burst",
      jsonInit("POST", {
        status: 429,
        count: 12,
        retryAfterSeconds: 1,
        method: "POST",
        pathPrefix: "/v1.0/me/messages",
      }),
    );
    expect(burst.status).toBe(201);
    const sse = await listenToEvents(owner);
    const result = await runBulk({
      action: { type: "archive" },
      selection: { allMatching: { q: "Zqbulk " } },
    });
    expect(result).toMatchObject({ status: "done", total: BULK, done: BULK, failed: 0, failures: [] });
    expect(result.summary).toBe(`Archived ${BULK} conversations`);

    const archived = (await mailbox("archive")).filter((m) => m.subject.startsWith("Zqbulk "));
    expect(archived).toHaveLength(BULK);
    expect((await mailbox("inbox")).filter((m) => m.subject.startsWith("Zqbulk "))).toEqual([]);
    const endpoints = await counters();
    const moves = Object.entries(endpoints).find(
      ([name]) => name.startsWith("POST") && name.endsWith("/move"),
    );
    expect(moves, JSON.stringify(endpoints)).toBeDefined();
    // Every message moved exactly once (201), the 12 throttled attempts answered 429 and retried.
    expect(moves![1].byStatus).toEqual({ "201": BULK, "429": 12 });
    const batches = endpoints["POST /v1.0/$batch"]!.count;
    expect(batches).toBeGreaterThanOrEqual(BULK / 20);
    expect(batches).toBeLessThanOrEqual(BULK / 20 + 12);
    expect(
      Object.keys(endpoints).filter((name) => !name.includes("$batch") && !name.endsWith("/move")),
    ).toEqual(expect.not.arrayContaining([expect.stringContaining("/messages/:")]));

    // Gone from the list (the store changed after Graph said yes), and progress came live.
    expect((await list("q=Zqbulk")).conversations).toEqual([]);
    const progress = await waitFor(() => {
      const events = sse.events.filter((e) => e.type === "bulkActions.progress");
      return events.some((e) => (e.data as { status: string }).status === "done") ? events : undefined;
    });
    const done = progress.map((e) => (e.data as { done: number }).done);
    expect(done).toEqual([...done].sort((a, b) => a - b));
    expect(done.at(-1)).toBe(BULK);
    expect(new Set(done).size).toBeGreaterThan(2);
    sse.close();
  }, 120_000);

  it("reports partial failures per conversation, in words, and changes only what Outlook accepted", async () => {
    const targets = (await list("q=Zqpartial")).conversations;
    expect(targets).toHaveLength(PARTIAL);
    const refused = targets.slice(0, 2);
    const db = server.database.db;
    for (const conversation of refused) {
      const [row] = await db
        .select({ graphId: messages.graphId })
        .from(messages)
        .where(and(eq(messages.conversationId, conversation.id), isNull(messages.removedAt)));
      // Microsoft keeps refusing these two messages (more times than the job retries).
      await emulatorFetch(
        emulator,
        "/_emulator/faults/burst",
        jsonInit("POST", {
          status: 503,
          count: 50,
          retryAfterSeconds: 0,
          path: `/v1.0/me/messages/${encodeURIComponent(row!.graphId)}/move`,
        }),
      );
    }
    const result = await runBulk({
      action: { type: "archive" },
      selection: { ids: targets.map((t) => t.id) },
    });
    expect(result).toMatchObject({ status: "done", total: PARTIAL, done: PARTIAL, failed: 2 });
    expect(result.summary).toBe("Archived 4 conversations; 2 failed (see why below)");
    expect(result.failures.map((f) => f.subject).sort()).toEqual(refused.map((r) => r.subject).sort());
    for (const failure of result.failures) expect(failure.error).toMatch(/throttling/);
    // The refused two stay in the Inbox, in Outlook and in the list; the others are archived.
    expect(
      (await mailbox("inbox"))
        .filter((m) => m.subject.startsWith("Zqpartial "))
        .map((m) => m.subject)
        .sort(),
    ).toEqual(refused.map((r) => r.subject).sort());
    expect((await list("q=Zqpartial")).conversations.map((c) => c.id).sort()).toEqual(
      refused.map((r) => r.id).sort(),
    );
  }, 120_000);

  it("goes on when its live events cannot be published: Outlook's work is done and recorded, the failure logged", async () => {
    const events = server.mailroom.events;
    const publish = events.publish.bind(events);
    const refused: string[] = [];
    // The bus refuses the action's cues and progress (a NOTIFY that fails), nothing else.
    events.publish = async (orgId, event) => {
      if (event.type !== "conversations.updated" && event.type !== "bulkActions.progress")
        return publish(orgId, event);
      refused.push(event.type);
      throw new Error("NOTIFY failed");
    };
    let result: z.infer<typeof bulkAction>;
    try {
      result = await runBulk({ action: { type: "archive" }, selection: { allMatching: { q: "Zqquiet " } } });
    } finally {
      events.publish = publish;
    }
    expect(result).toMatchObject({ status: "done", total: QUIET, done: QUIET, failed: 0 });
    expect(new Set(refused)).toEqual(new Set(["conversations.updated", "bulkActions.progress"]));
    expect((await mailbox("archive")).filter((m) => m.subject.startsWith("Zqquiet "))).toHaveLength(QUIET);
    expect((await list("q=Zqquiet")).conversations).toEqual([]);
    const skipped = logs.atLeast("warn").map((l) => l.msg);
    expect(skipped).toContain("live event conversations.updated not published (skipped)");
    expect(skipped).toContain("live event bulkActions.progress not published (skipped)");
  }, 120_000);

  it("refuses a bulk action with no selection, and hides another member's bulk action", async () => {
    expect(
      (await owner.post("/api/bulk-actions", { action: { type: "close" }, selection: { ids: [] } })).status,
    ).toBe(400);
    expect((await owner.get("/api/bulk-actions/00000000-0000-4000-8000-000000000000")).status).toBe(404);
  });
});

describe("moving a selection to a mailbox's own folder", () => {
  it("moves one mailbox's conversations there, and refuses up front a selection across two mailboxes", async () => {
    const graph = supportGraph(emulator);
    const folder = await graph.request(
      { method: "POST", path: "/me/mailFolders", body: { displayName: "Percy's" } },
      z.object({ id: z.string() }),
    );
    const percy = await find("Zq 100% sure");
    const moved = await runBulk({
      action: { type: "move", folderId: folder.id },
      selection: { ids: [percy.id] },
    });
    expect(moved).toMatchObject({ status: "done", total: 1, failed: 0 });
    // The whole thread: Percy's first message and his reply (the reopening test's).
    expect((await mailbox(folder.id)).map((m) => m.subject).sort()).toEqual([
      "RE: Zq 100% sure",
      "Zq 100% sure",
    ]);
    expect((await mailbox("inbox")).some((m) => m.subject.includes("Zq 100% sure"))).toBe(false);

    // A second mailbox in the org: "all inboxes" now spans two.
    const alex = { login: "alex@contoso.com", password: SUPPORT.password };
    const { page } = await connectThroughMicrosoft(owner, emulator, { account: alex });
    expect((await followCallback(owner, page)).split("/")[3]).not.toBe(channelId);
    const across = await owner.post("/api/bulk-actions", {
      action: { type: "move", folderId: folder.id },
      selection: { allMatching: { q: "Zq" } },
    });
    expect(across.status).toBe(400);
    expect(JSON.stringify(across.body)).toMatch(/belongs to one mailbox, and the selection spans several/);
    // A folder every mailbox has is fine across mailboxes (this selection matches nothing).
    const everywhere = await runBulk({
      action: { type: "move", folderId: "deleteditems" },
      selection: { allMatching: { q: "Zqnothing at all" } },
    });
    expect(everywhere).toMatchObject({ status: "done", total: 0 });
  }, 120_000);
});
