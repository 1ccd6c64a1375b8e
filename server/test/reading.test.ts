import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator/src/index.ts";
import { emulatorFetch, jsonInit } from "../../emulator/src/testing/emulator-fetch.ts";
import { inlineImageCache } from "../src/inbox/reading/schema.ts";
import { syncCursors } from "../src/mail/schema.ts";
import { createOrg, join, signUp } from "./accounts-helpers.ts";
import type { TestClient, TestServer } from "./harness.ts";
import { startConnectedMailbox } from "./outlook-helpers.ts";
import { waitFor } from "./wait-for.ts";

/**
 * Reading real HTML (ADR 017) against the real server and the emulator: inline images come from
 * the message's attachments as data: URIs, remote trackers stay out until allowed, the document
 * carries its sandbox CSP, and nobody outside the org reaches it.
 */

let emulator: Emulator;
let server: TestServer;
let owner: TestClient;
let stranger: TestClient;
let agent: TestClient;
let channelId: string;

// A 1×1 red PNG.
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==",
  "base64",
);
const TRACKER = "https://tracker.example/open.gif?u=42";

interface Summary {
  remoteImages: number;
  remoteImagesAllowed: "message" | "sender" | null;
  hasQuoted: boolean;
  inlineImagesOmitted: number;
  heightHint: number;
}

beforeAll(async () => {
  const connected = await startConnectedMailbox({
    beforeConnect: async (admin, started) => {
      agent = await join(started, admin, "agent@acme.test");
      stranger = await signUp(started, "owner@other.test");
      await createOrg(stranger, "Other");
    },
  });
  ({ emulator, server, admin: owner, channelId } = connected);
  await waitFor(
    async () => {
      const cursors = await server.database.db
        .select()
        .from(syncCursors)
        .where(eq(syncCursors.channelId, channelId));
      return cursors.length === 2 && cursors.every((c) => c.deltaLink);
    },
    { what: "the first sync", timeoutMs: 60_000 },
  );
});

afterAll(async () => {
  await server?.close();
  await emulator?.close();
});

async function deliver(body: Record<string, unknown>) {
  const res = await emulatorFetch(
    emulator,
    "/_emulator/mailboxes/support@contoso.com/inbound",
    jsonInit("POST", { from: { name: "Dana Customer", address: "Dana@Example.net" }, ...body }),
  );
  expect(res.status).toBe(201);
}

/** The delivered message's conversation and message ids, once the sync has stored it. */
async function opened(subject: string) {
  const conversation = await waitFor(
    async () => {
      const res = await owner.get<{ conversations: { id: string; subject: string }[] }>(
        "/api/conversations?limit=100",
      );
      return res.body.conversations.find((c) => c.subject === subject);
    },
    { what: `"${subject}" in the inbox`, timeoutMs: 60_000 },
  );
  const res = await owner.get<{ conversation: { messages: { id: string }[] } }>(
    `/api/conversations/${conversation.id}`,
  );
  expect(res.status).toBe(200);
  return { id: conversation.id, messageId: res.body.conversation.messages[0]!.id };
}

const bodyPath = (ids: { id: string; messageId: string }) =>
  `/api/conversations/${ids.id}/messages/${ids.messageId}/body`;

describe("message body", () => {
  let ids: { id: string; messageId: string };

  beforeAll(async () => {
    await deliver({
      subject: "Photo of the damaged box",
      html: `<html><head><style>.c{background:url(${TRACKER})}</style></head><body>
        <p class="c">Here it is: <img src="cid:box@dana" alt="The box"></p>
        <img src="${TRACKER}" width="1" height="1"><script>parent.document.title='pwned'</script>
        <a href="https://shop.example/returns">Returns</a></body></html>`,
      attachments: [
        {
          name: "box.png",
          contentType: "image/png",
          contentBase64: PNG.toString("base64"),
          inline: true,
          contentId: "box@dana",
        },
      ],
    });
    ids = await opened("Photo of the damaged box");
  });

  it("is a sanitized document with the inline image as data:, no remote URL, under a sandbox CSP", async () => {
    const res = await owner.get<string>(bodyPath(ids));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const csp = res.headers.get("content-security-policy")!;
    expect(csp).toContain("sandbox allow-popups allow-popups-to-escape-sandbox");
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("img-src data:;");
    expect(csp).toContain("frame-ancestors 'self'");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    expect(res.headers.get("cache-control")).toMatch(/^private/);
    expect(res.headers.get("x-frame-options")).toBe("SAMEORIGIN");
    expect(res.headers.has("origin-agent-cluster")).toBe(false);
    expect(res.headers.get("x-mailroom-remote-images")).toBe("1");

    expect(res.body).toContain(`<img src="data:image/png;base64,${PNG.toString("base64")}" alt="The box">`);
    expect(res.body).not.toContain("tracker.example");
    expect(res.body).not.toMatch(/<script|cid:/i);
    expect(res.body).toContain(
      `<a href="https://shop.example/returns" target="_blank" rel="noopener noreferrer">`,
    );
    // Fetched from Graph once, then served from the cache.
    const cached = await server.database.db
      .select()
      .from(inlineImageCache)
      .where(eq(inlineImageCache.messageId, ids.messageId));
    expect(cached.map((c) => [c.contentType, c.size])).toEqual([["image/png", PNG.length]]);
  });

  it("says how many remote images are blocked, and shows them once allowed for the message", async () => {
    const before = await owner.get<{ summary: Summary }>(`${bodyPath(ids)}/summary`);
    expect(before.status).toBe(200);
    expect(before.body.summary).toMatchObject({
      remoteImages: 1,
      remoteImagesAllowed: null,
      inlineImagesOmitted: 0,
    });

    const allowed = await owner.post<{ summary: Summary }>(
      `/api/conversations/${ids.id}/messages/${ids.messageId}/remote-images`,
      { scope: "message" },
    );
    expect(allowed.status).toBe(200);
    expect(allowed.body.summary.remoteImagesAllowed).toBe("message");
    const res = await owner.get<string>(bodyPath(ids));
    expect(res.headers.get("content-security-policy")).toContain("img-src data: https:;");
    expect(res.body).toContain(`src="${TRACKER}"`);
  });

  it("allows a sender's images org-wide, by address whatever its case", async () => {
    await deliver({ subject: "Newsletter", html: `<p>News</p><img src="https://cdn.example/n.png">` });
    const news = await opened("Newsletter");
    expect((await owner.get<string>(bodyPath(news))).body).not.toContain("cdn.example");
    const res = await owner.post<{ summary: Summary }>(
      `/api/conversations/${news.id}/messages/${news.messageId}/remote-images`,
      { scope: "sender" },
    );
    expect(res.body.summary).toMatchObject({ remoteImages: 1, remoteImagesAllowed: "sender" });
    await deliver({
      from: { name: "Dana", address: "dana@example.NET" },
      subject: "Newsletter 2",
      html: `<img src="https://cdn.example/n2.png">`,
    });
    const next = await opened("Newsletter 2");
    expect((await owner.get<string>(bodyPath(next))).body).toContain(`src="https://cdn.example/n2.png"`);
  });

  it("blocks a sender's images again: that message's and the sender's allowances go", async () => {
    const news = await opened("Newsletter");
    const next = await opened("Newsletter 2");
    const path = `/api/conversations/${news.id}/messages/${news.messageId}/remote-images`;
    expect((await owner.post(path, { scope: "message" })).status).toBe(200);
    const blocked = await owner.delete<{ summary: Summary }>(path);
    expect(blocked.status).toBe(200);
    expect(blocked.body.summary).toMatchObject({ remoteImages: 1, remoteImagesAllowed: null });
    expect((await owner.get<string>(bodyPath(news))).body).not.toContain("cdn.example");
    expect((await owner.get<string>(bodyPath(next))).body).not.toContain("cdn.example");
    expect((await stranger.delete(path)).status).toBe(404);
    // Blocking what is blocked is blocking once.
    expect((await owner.delete(path)).status).toBe(200);
  });

  it("is 404 for another org's member, for a message outside the conversation and for bad ids", async () => {
    for (const path of [bodyPath(ids), `${bodyPath(ids)}/summary`]) {
      const res = await stranger.get(path);
      expect(res.status).toBe(404);
      expect(String(res.body)).not.toContain("box");
    }
    const allow = await stranger.post(
      `/api/conversations/${ids.id}/messages/${ids.messageId}/remote-images`,
      {
        scope: "sender",
      },
    );
    expect(allow.status).toBe(404);
    const other = await opened("Newsletter");
    expect((await owner.get(bodyPath({ id: other.id, messageId: ids.messageId }))).status).toBe(404);
    expect((await owner.get(bodyPath({ id: "nope", messageId: "nope" }))).status).toBe(404);
    expect((await owner.get(`${bodyPath(ids)}?quoted=maybe`)).status).toBe(400);
    const wrongScope = await owner.post(
      `/api/conversations/${ids.id}/messages/${ids.messageId}/remote-images`,
      {
        scope: "everyone",
      },
    );
    expect(wrongScope.status).toBe(400);
  });

  it("is 404 for a teammate once the channel feeds only a restricted inbox they are not in", async () => {
    expect((await agent.get(`${bodyPath(ids)}/summary`)).status).toBe(200);
    const inboxes = await owner.get<{ inboxes: { id: string; isDefault: boolean }[] }>("/api/inboxes");
    const defaultId = inboxes.body.inboxes.find((i) => i.isDefault)!.id;
    const restricted = await owner.post<{ inbox: { id: string } }>("/api/inboxes", {
      name: "VIP",
      visibility: "restricted",
    });
    const vip = restricted.body.inbox.id;
    expect((await owner.put(`/api/inboxes/${vip}/channels/${channelId}`)).status).toBe(204);
    expect((await owner.delete(`/api/inboxes/${defaultId}/channels/${channelId}`)).status).toBe(204);
    try {
      for (const path of [bodyPath(ids), `${bodyPath(ids)}/summary`])
        expect((await agent.get(path)).status).toBe(404);
      expect((await owner.get(bodyPath(ids))).status).toBe(200);
    } finally {
      expect((await owner.put(`/api/inboxes/${defaultId}/channels/${channelId}`)).status).toBe(204);
      expect((await owner.delete(`/api/inboxes/${vip}`)).status).toBe(204);
    }
  });

  it("renders a plain-text message as escaped text with links", async () => {
    await deliver({
      subject: "Plain",
      text: "See <https://shop.example/o/7> & thanks\n\nOn Mon, Sam wrote:\n> old",
    });
    const plain = await opened("Plain");
    const res = await owner.get<string>(bodyPath(plain));
    expect(res.body).toContain(
      `See &lt;<a href="https://shop.example/o/7" target="_blank" rel="noopener noreferrer">https://shop.example/o/7</a>&gt; &amp; thanks`,
    );
    expect(res.body).not.toContain("old");
    expect((await owner.get<{ summary: Summary }>(`${bodyPath(plain)}/summary`)).body.summary.hasQuoted).toBe(
      true,
    );
    expect((await owner.get<string>(`${bodyPath(plain)}?quoted=1`)).body).toContain("&gt; old");
  });
});

describe("inline images past the cap, and attachment previews", () => {
  it("shows a placeholder for an inline image over the cap and says so", async () => {
    // Random bytes behind a PNG signature: too big to inline, whatever they hold.
    const big = Buffer.concat([PNG.subarray(0, 8), Buffer.alloc(2.5 * 1024 * 1024, 1)]);
    await deliver({
      subject: "Huge inline screenshot",
      html: `<p>See below</p><img src="cid:huge@dana"><img src="cid:small@dana">`,
      attachments: [
        {
          name: "huge.png",
          contentType: "image/png",
          contentBase64: big.toString("base64"),
          inline: true,
          contentId: "huge@dana",
        },
        {
          name: "small.png",
          contentType: "image/png",
          contentBase64: PNG.toString("base64"),
          inline: true,
          contentId: "small@dana",
        },
      ],
    });
    const ids = await opened("Huge inline screenshot");
    const summary = await owner.get<{ summary: Summary }>(`${bodyPath(ids)}/summary`);
    expect(summary.body.summary.inlineImagesOmitted).toBe(1);
    const res = await owner.get<string>(bodyPath(ids));
    const sources = [...res.body.matchAll(/<img src="([^"]+)"/g)].map((m) => m[1]!);
    expect(sources).toHaveLength(2);
    expect(sources[0]).toMatch(/^data:image\/svg\+xml;base64,/);
    expect(Buffer.from(sources[0]!.split(",")[1]!, "base64").toString()).toContain(
      "Image too large to show here",
    );
    expect(sources[1]).toBe(`data:image/png;base64,${PNG.toString("base64")}`);
    // Only the small one was kept.
    const cached = await server.database.db
      .select()
      .from(inlineImageCache)
      .where(eq(inlineImageCache.messageId, ids.messageId));
    expect(cached).toHaveLength(1);
  });

  it("forgets cached inline images after 30 days, and fetches them again when needed", async () => {
    const db = server.database.db;
    await db.update(inlineImageCache).set({ createdAt: new Date(Date.now() - 31 * 86_400_000) });
    const before = await db.select().from(inlineImageCache);
    expect(before.length).toBeGreaterThan(0);
    await deliver({
      subject: "Fresh inline",
      html: `<img src="cid:fresh@dana">`,
      attachments: [
        {
          name: "f.png",
          contentType: "image/png",
          contentBase64: PNG.toString("base64"),
          inline: true,
          contentId: "fresh@dana",
        },
      ],
    });
    const fresh = await opened("Fresh inline");
    expect((await owner.get<string>(bodyPath(fresh))).body).toContain("data:image/png;base64,");
    // Fetching for this message pruned the org's old rows.
    const after = await db.select().from(inlineImageCache);
    expect(after.map((r) => r.messageId)).toEqual([fresh.messageId]);
  });

  it("previews images and PDFs inline (cached by the browser) and keeps everything else a download", async () => {
    const pdf = Buffer.from("%PDF-1.4\n%âãÏÓ\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");
    await deliver({
      subject: "Invoice and photo",
      text: "Attached.",
      attachments: [
        { name: "invoice.pdf", contentType: "application/pdf", contentBase64: pdf.toString("base64") },
        { name: "photo.png", contentType: "image/png", contentBase64: PNG.toString("base64") },
        {
          name: "page.html",
          contentType: "text/html",
          contentBase64: Buffer.from("<script>1</script>").toString("base64"),
        },
      ],
    });
    const conversation = await waitFor(
      async () =>
        (
          await owner.get<{ conversations: { id: string; subject: string }[] }>(
            "/api/conversations?limit=100",
          )
        ).body.conversations.find((c) => c.subject === "Invoice and photo"),
      { what: "the message with attachments", timeoutMs: 60_000 },
    );
    const detail = await owner.get<{
      conversation: { messages: { id: string; attachments: { id: string; name: string }[] | null }[] };
    }>(`/api/conversations/${conversation.id}`);
    const message = detail.body.conversation.messages[0]!;
    const byName = (name: string) => message.attachments!.find((a) => a.name === name)!.id;
    const get = (name: string, inline: boolean) =>
      owner.get<string>(
        `/api/messages/${message.id}/attachments/${byName(name)}${inline ? "?inline=1" : ""}`,
      );

    const pdfPreview = await get("invoice.pdf", true);
    expect(pdfPreview.status).toBe(200);
    expect(pdfPreview.headers.get("content-type")).toBe("application/pdf");
    expect(pdfPreview.headers.get("content-disposition")).toMatch(/^inline; filename="invoice.pdf"/);
    expect(pdfPreview.headers.get("cache-control")).toBe("private, max-age=86400, immutable");
    const imagePreview = await get("photo.png", true);
    expect(imagePreview.headers.get("content-disposition")).toMatch(/^inline;/);
    const download = await get("photo.png", false);
    expect(download.headers.get("content-disposition")).toMatch(/^attachment;/);
    expect(download.headers.get("cache-control")).toBe("private, no-store");
    // HTML never previews on our origin: still a download, as bytes.
    const html = await get("page.html", true);
    expect(html.headers.get("content-type")).toBe("application/octet-stream");
    expect(html.headers.get("content-disposition")).toMatch(/^attachment;/);
  });
});
