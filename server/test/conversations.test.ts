import { and, eq, like } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { Emulator } from "../../emulator/src/index.ts";
import { emulatorFetch, jsonInit } from "../../emulator/src/testing/emulator-fetch.ts";
import { channelAccessToken } from "../src/channels/access-token.ts";
import { channels, graphRequestSlots } from "../src/channels/schema.ts";
import { messages, syncCursors } from "../src/mail/schema.ts";
import { createGraphClient } from "../src/microsoft/graph-client.ts";
import { subscriptions } from "../src/sync/subscriptions/schema.ts";
import { createOrg, join, members, signUp } from "./accounts-helpers.ts";
import type { TestClient, TestServer } from "./harness.ts";
import { startConnectedMailbox } from "./outlook-helpers.ts";
import { listenToEvents } from "./sse.ts";
import { waitFor } from "./wait-for.ts";

interface Person {
  name: string | null;
  address: string;
}
interface Item {
  id: string;
  subject: string;
  snippet: string;
  lastMessageAt: string;
  messageCount: number;
  unreadCount: number;
  channel: { id: string; email: string; name: string };
  participants: Person[];
  hasAttachments: boolean;
}
interface Page {
  conversations: Item[];
  nextCursor: string | null;
  channels?: { id: string; email: string; status: string; importing: boolean }[];
}
interface Attachment {
  id: string;
  name: string;
  contentType: string | null;
  size: number;
  isInline: boolean;
}
interface Message {
  id: string;
  direction: string;
  from: Person | null;
  to: Person[];
  date: string;
  text: string;
  hasAttachments: boolean;
  attachments: Attachment[] | null;
}
interface Conversation {
  id: string;
  subject: string;
  messages: Message[];
}

let emulator: Emulator;
let server: TestServer;
let owner: TestClient;
let member: TestClient;
let stranger: TestClient;
let channelId: string;
let defaultInboxId: string;

beforeAll(async () => {
  const connected = await startConnectedMailbox({
    // Teammate and stranger exist before the mailbox is connected, as they always have here.
    beforeConnect: async (admin, started) => {
      member = await join(started, admin, "agent@acme.test");
      stranger = await signUp(started, "owner@other.test");
      await createOrg(stranger, "Other");
    },
  });
  ({ emulator, server, admin: owner, channelId } = connected);
  const inboxes = await owner.get<{ inboxes: { id: string; isDefault: boolean }[] }>("/api/inboxes");
  defaultInboxId = inboxes.body.inboxes.find((i) => i.isDefault)!.id;
  // Mail sent before the connect jobs finish would wait for the sweep: wait for both folders'
  // subscriptions and first delta round, as a person would wait for "Importing…" to end.
  const db = server.database.db;
  await waitFor(
    async () => {
      const subs = await db.select().from(subscriptions).where(eq(subscriptions.channelId, channelId));
      const cursors = await db.select().from(syncCursors).where(eq(syncCursors.channelId, channelId));
      return subs.length === 2 && cursors.length === 2 && cursors.every((c) => c.deltaLink);
    },
    { what: "subscriptions and the first sync", timeoutMs: 60_000 },
  );
});

afterAll(async () => {
  await server?.close();
  await emulator?.close();
});

const delivered = z.object({ id: z.string(), internetMessageId: z.string(), conversationId: z.string() });

/** Customer mail arriving at the connected mailbox (the emulator's control API). */
async function deliver(body: Record<string, unknown>) {
  const res = await emulatorFetch(
    emulator,
    "/_emulator/mailboxes/support@contoso.com/inbound",
    jsonInit("POST", {
      from: { name: "Dana Customer", address: "dana@example.net" },
      text: "Hello",
      ...body,
    }),
  );
  expect(res.status).toBe(201);
  return delivered.parse(await res.json());
}

async function list(client: TestClient, path = `/api/inboxes/${defaultInboxId}/conversations`) {
  const res = await client.get<Page>(path);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

/** Waits (with a deadline) until the default inbox lists a conversation matching `match`. */
function listed(match: (item: Item) => boolean, what: string) {
  return waitFor(
    async () =>
      (await list(owner, `/api/inboxes/${defaultInboxId}/conversations?limit=100`)).conversations.find(match),
    {
      what,
      timeoutMs: 60_000,
    },
  );
}

async function open(client: TestClient, id: string) {
  return client.get<{ conversation: Conversation }>(`/api/conversations/${id}`);
}

async function graphForChannel() {
  const { mailroom } = server;
  const [row] = await server.database.db.select().from(channels).where(eq(channels.id, channelId));
  return createGraphClient({
    graphUrl: mailroom.config.microsoft.graphUrl,
    accessToken: channelAccessToken(
      { config: mailroom.config, db: server.database.db, box: mailroom.secretBox, events: mailroom.events },
      row!,
    ),
  });
}

/** The browser's download: raw bytes and headers, with the client's session cookie. */
function download(client: TestClient, path: string) {
  return fetch(`${server.url}${path}`, {
    headers: { cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join("; ") },
  });
}

/**
 * Moves the channel from the default inbox into a new restricted inbox (no members yet); `undo`
 * puts it back and deletes that inbox.
 */
async function restrictChannelTo(name: string) {
  const created = await owner.post<{ inbox: { id: string } }>("/api/inboxes", {
    name,
    visibility: "restricted",
  });
  expect(created.status).toBe(201);
  const id = created.body.inbox.id;
  expect((await owner.put(`/api/inboxes/${id}/channels/${channelId}`)).status).toBe(204);
  expect((await owner.delete(`/api/inboxes/${defaultInboxId}/channels/${channelId}`)).status).toBe(204);
  return {
    id,
    async undo() {
      expect((await owner.put(`/api/inboxes/${defaultInboxId}/channels/${channelId}`)).status).toBe(204);
      expect((await owner.delete(`/api/inboxes/${id}`)).status).toBe(204);
    },
  };
}

describe("conversations API", () => {
  let threadId: string;
  let first: z.infer<typeof delivered>;

  it("lists inbound mail in the default inbox and in every visible inbox, newest first", async () => {
    first = await deliver({ subject: "Order 1042 is late", text: "Where is my order?" });
    const item = await listed((c) => c.subject === "Order 1042 is late", "the new conversation");
    threadId = item.id;
    expect(item).toMatchObject({
      snippet: "Where is my order?",
      messageCount: 1,
      unreadCount: 1,
      hasAttachments: false,
      channel: { id: channelId, email: "support@contoso.com" },
    });
    expect(item.participants).toEqual([{ name: "Dana Customer", address: "dana@example.net" }]);
    const all = await list(owner, "/api/conversations?limit=100");
    expect(all.conversations.map((c) => c.id)).toContain(threadId);
    const times = all.conversations.map((c) => Date.parse(c.lastMessageAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(all.channels).toEqual([
      expect.objectContaining({ id: channelId, status: "connected", importing: false }),
    ]);
  });

  it("groups a reply into the same conversation and shows messages oldest first, as text", async () => {
    await deliver({
      subject: "RE: Order 1042 is late",
      html: "<html><head><style>p{color:red}</style></head><body><p>Any news?</p><p>Thanks,<br>Dana &amp; co</p><script>alert(1)</script></body></html>",
      inReplyTo: first.internetMessageId,
    });
    await listed((c) => c.id === threadId && c.messageCount === 2, "the reply in the same thread");
    const res = await open(owner, threadId);
    expect(res.status).toBe(200);
    const { messages } = res.body.conversation;
    expect(messages.map((m) => m.text)).toEqual(["Where is my order?", "Any news?\n\nThanks,\nDana & co"]);
    expect(messages[0]!.from).toEqual({ name: "Dana Customer", address: "dana@example.net" });
    expect(messages[0]!.direction).toBe("inbound");
    expect(Date.parse(messages[0]!.date)).toBeLessThanOrEqual(Date.parse(messages[1]!.date));
    // Our ids only: nothing Graph-shaped (Graph ids are long base64) reaches the browser.
    expect(JSON.stringify(res.body)).not.toContain(first.id);
    expect(JSON.stringify(res.body)).not.toContain(first.conversationId);
  });

  it("answers 404 to another organization, and lists nothing of ours there", async () => {
    expect((await open(stranger, threadId)).status).toBe(404);
    expect((await stranger.get(`/api/inboxes/${defaultInboxId}/conversations`)).status).toBe(404);
    const theirs = await list(stranger, "/api/conversations");
    expect(theirs.conversations).toEqual([]);
    const message = (await open(owner, threadId)).body.conversation.messages[0]!;
    expect((await download(stranger, `/api/messages/${message.id}/attachments/whatever`)).status).toBe(404);
    expect((await open(owner, "not-a-uuid")).status).toBe(404);
    expect((await open(owner, crypto.randomUUID())).status).toBe(404);
  });

  it("hides a restricted inbox's conversations from people who are not its members", async () => {
    const { id: vip, undo } = await restrictChannelTo("VIP");
    try {
      expect((await list(member, "/api/conversations")).conversations).toEqual([]);
      expect((await member.get(`/api/inboxes/${vip}/conversations`)).status).toBe(404);
      expect((await open(member, threadId)).status).toBe(404);
      expect(
        (await list(owner, `/api/inboxes/${vip}/conversations`)).conversations.map((c) => c.id),
      ).toContain(threadId);

      const agentId = (await members(owner)).find((m) => m.email === "agent@acme.test")!.userId;
      expect((await owner.patch(`/api/inboxes/${vip}`, { memberIds: [agentId] })).status).toBe(200);
      expect(
        (await list(member, `/api/inboxes/${vip}/conversations`)).conversations.map((c) => c.id),
      ).toContain(threadId);
      expect((await open(member, threadId)).status).toBe(200);
    } finally {
      await undo();
    }
  });

  it("sends a restricted inbox's live events only to who can see it, and ends a leaver's stream", async () => {
    const { id: vip, undo } = await restrictChannelTo("VIP live");
    const leaver = await join(server, owner, "leaver@acme.test");
    const streams = {
      owner: await listenToEvents(owner),
      agent: await listenToEvents(member),
      leaver: await listenToEvents(leaver),
    };
    const mailEvents = (stream: (typeof streams)["owner"]) =>
      stream.events.filter((e) => e.type === "conversations.updated");
    try {
      await waitFor(() => Object.values(streams).every((s) => s.events.some((e) => e.type === "ready")), {
        what: "three streams",
      });
      const orgId = streams.owner.events[0]!.data.orgId as string;

      // Mail for the VIP inbox: its channel's events reach the owner, not the agent outside it.
      await deliver({ subject: "For VIP eyes" });
      await waitFor(() => mailEvents(streams.owner).some((e) => e.data.channelId === channelId), {
        what: "the owner's conversation event",
      });
      // Streams deliver in order: once a later event is through, the earlier one was dropped.
      const marker = { type: "sync.health", data: { channelId: "marker" } } as const;
      await server.mailroom.events.publish(orgId, marker);
      await waitFor(
        () => streams.agent.events.some((e) => e.type === marker.type && e.data.channelId === "marker"),
        {
          what: "the marker on the agent's stream",
        },
      );
      expect(mailEvents(streams.agent)).toEqual([]);
      expect(mailEvents(streams.leaver)).toEqual([]);

      // Made a member of the inbox, the agent gets its events from then on (no reconnect).
      const agentId = (await members(owner)).find((m) => m.email === "agent@acme.test")!.userId;
      expect((await owner.patch(`/api/inboxes/${vip}`, { memberIds: [agentId] })).status).toBe(200);
      await deliver({ subject: "For VIP eyes, again" });
      await waitFor(() => mailEvents(streams.agent).some((e) => e.data.channelId === channelId), {
        what: "the agent's conversation event",
      });

      // Removed from the org, a member's open stream ends.
      const leaverId = (await members(owner)).find((m) => m.email === "leaver@acme.test")!.id;
      expect((await owner.delete(`/api/org/members/${leaverId}`)).status).toBe(200);
      await waitFor(() => streams.leaver.ended(), { what: "the leaver's stream to end" });
      expect(mailEvents(streams.leaver)).toEqual([]);
      expect(streams.leaver.events.some((e) => e.type === "members.updated")).toBe(false);
    } finally {
      for (const stream of Object.values(streams)) stream.close();
      await undo();
    }
  });

  it("pages with a stable keyset cursor, even when mail arrives between pages", async () => {
    for (const n of [1, 2, 3]) await deliver({ subject: `Paging ${n}` });
    await listed((c) => c.subject === "Paging 3", "the paging conversations");
    const everything = (await list(owner, "/api/conversations?limit=100")).conversations.map((c) => c.id);
    expect(everything.length).toBeGreaterThanOrEqual(5);

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Page = await list(
        owner,
        `/api/conversations?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
      );
      expect(page.conversations.length).toBeLessThanOrEqual(2);
      seen.push(...page.conversations.map((c) => c.id));
      cursor = page.nextCursor;
      if (pages++ === 0) await deliver({ subject: "Arrived mid-paging" });
    } while (cursor);
    expect(seen).toEqual(everything);

    const bad = await owner.get("/api/conversations?cursor=garbage");
    expect(bad.status).toBe(400);
  });

  it("refetches just the given conversations by id", async () => {
    const page = await list(owner, `/api/conversations?ids=${threadId},${crypto.randomUUID()},junk`);
    expect(page.conversations.map((c) => c.id)).toEqual([threadId]);
    expect(page.nextCursor).toBeNull();
  });

  it("downloads attachment contents on demand with safe headers", async () => {
    const pdf = Buffer.from("%PDF-1.4 pretend report \u00ff\u0000 bytes");
    const html = Buffer.from("<script>alert('x')</script>");
    await deliver({
      subject: "Invoice attached",
      attachments: [
        { name: "Report “final”.pdf", contentType: "application/pdf", contentBase64: pdf.toString("base64") },
        { name: "../page.html", contentType: "text/html", contentBase64: html.toString("base64") },
      ],
    });
    const item = await listed((c) => c.subject === "Invoice attached", "the conversation with attachments");
    expect(item.hasAttachments).toBe(true);
    const [message] = (await open(owner, item.id)).body.conversation.messages;
    expect(message!.attachments?.map((a) => [a.name, a.contentType, a.size, a.isInline])).toEqual([
      ["Report “final”.pdf", "application/pdf", pdf.length, false],
      ["../page.html", "text/html", html.length, false],
    ]);
    const [report, page] = message!.attachments!;

    const res = await download(owner, `/api/messages/${message!.id}/attachments/${report!.id}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/pdf");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("content-disposition")).toBe(
      `attachment; filename="Report _final_.pdf"; filename*=UTF-8''Report%20%E2%80%9Cfinal%E2%80%9D.pdf`,
    );
    expect(Buffer.from(await res.arrayBuffer())).toEqual(pdf);

    const risky = await download(owner, `/api/messages/${message!.id}/attachments/${page!.id}`);
    expect(risky.status).toBe(200);
    expect(risky.headers.get("content-type")).toBe("application/octet-stream");
    expect(risky.headers.get("content-disposition")).toBe(
      `attachment; filename="_page.html"; filename*=UTF-8''_page.html`,
    );
    expect(Buffer.from(await risky.arrayBuffer())).toEqual(html);
    // Each download held one of the mailbox's 4 Graph request slots, and gave it back at the end.
    await waitFor(
      async () =>
        (
          await server.database.db
            .select()
            .from(graphRequestSlots)
            .where(
              and(eq(graphRequestSlots.channelId, channelId), like(graphRequestSlots.holder, "download:%")),
            )
        ).length === 0,
      { what: "download slots released" },
    );

    const unknown = await download(owner, `/api/messages/${message!.id}/attachments/nope`);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get("content-type")).toContain("application/problem+json");
    expect(
      (await download(owner, `/api/messages/${crypto.randomUUID()}/attachments/${report!.id}`)).status,
    ).toBe(404);
  });

  it("leaves removed messages out, and hides a conversation once none is left", async () => {
    const graph = await graphForChannel();
    const reply = await waitFor(
      async () => (await open(owner, threadId)).body.conversation.messages.length === 2,
      { what: "the two-message thread" },
    );
    expect(reply).toBe(true);
    const graphIds = await emulatorFetch(
      emulator,
      "/_emulator/mailboxes/support@contoso.com/messages?folder=inbox",
    )
      .then((r) => r.json() as Promise<{ value: { id: string; conversationId: string; subject: string }[] }>)
      .then((b) => b.value.filter((m) => m.conversationId === first.conversationId));
    const answer = graphIds.find((m) => m.subject.startsWith("RE:"))!;
    await graph.send({ method: "DELETE", path: `/me/messages/${answer.id}` });
    await waitFor(async () => (await open(owner, threadId)).body.conversation.messages.length === 1, {
      what: "the deleted reply gone from the thread",
      timeoutMs: 60_000,
    });
    const remaining = await listed((c) => c.id === threadId, "the thread still listed");
    expect(remaining.messageCount).toBe(1);

    await graph.send({ method: "DELETE", path: `/me/messages/${first.id}` });
    await waitFor(async () => (await open(owner, threadId)).status === 404, {
      what: "the emptied thread to disappear",
      timeoutMs: 60_000,
    });
    const all = await list(owner, "/api/conversations?limit=100");
    expect(all.conversations.map((c) => c.id)).not.toContain(threadId);
  });

  it("refuses oversized attachments and says when the mailbox must be reconnected", async () => {
    const pdf = Buffer.from("%PDF-1.4 small");
    await deliver({
      subject: "Two files",
      attachments: [
        { name: "a.pdf", contentType: "application/pdf", contentBase64: pdf.toString("base64") },
        { name: "b.pdf", contentType: "application/pdf", contentBase64: pdf.toString("base64") },
      ],
    });
    const item = await listed((c) => c.subject === "Two files", "the two-file conversation");
    const [message] = (await open(owner, item.id)).body.conversation.messages;
    const [small, big] = message!.attachments!;

    // Graph's list says how big a file is; anything over the cap is refused before any download.
    const [row] = await server.database.db.select().from(messages).where(eq(messages.id, message!.id));
    await server.database.db
      .update(messages)
      .set({
        attachments: row!.attachments!.map((a, i) => (i === 1 ? { ...a, size: 151 * 1024 * 1024 } : a)),
      })
      .where(eq(messages.id, message!.id));
    const tooBig = await download(owner, `/api/messages/${message!.id}/attachments/${big!.id}`);
    expect(tooBig.status).toBe(413);
    expect(tooBig.headers.get("content-type")).toContain("application/problem+json");
    expect(((await tooBig.json()) as { title: string }).title).toMatch(/larger than 150 MB/);

    const disconnected = await owner.delete(`/api/channels/${channelId}?keepConversations=true`);
    expect(disconnected.status).toBe(204);
    const refused = await download(owner, `/api/messages/${message!.id}/attachments/${small!.id}`);
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { title: string }).title).toMatch(/reconnected/);
    // What was synced stays readable.
    expect((await open(owner, item.id)).status).toBe(200);
  });
});
