import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../server.ts";
import { deliverMessage } from "../store/messages.ts";
import { graph, json, type MessageJson, type Page, startEmulator, userToken } from "./testing.ts";

describe("messages", () => {
  let emulator: Emulator;
  let token: string;
  beforeAll(async () => {
    emulator = await startEmulator();
    token = userToken(emulator, "support");
  });
  afterEach(() => emulator.reset());
  afterAll(() => emulator.close());

  it("lists newest first with $select, $top, $count and an absolute https nextLink", async () => {
    const first = await json<Page>(
      await graph(
        emulator,
        "me/mailFolders/inbox/messages?$select=subject,receivedDateTime&$top=5&$count=true",
        { token },
      ),
    );
    expect(first.value).toHaveLength(5);
    expect(first["@odata.count"]).toBeGreaterThan(5);
    expect(Object.keys(first.value[0]!).sort()).toEqual(["@odata.etag", "id", "receivedDateTime", "subject"]);
    const times = first.value.map((m) => m.receivedDateTime as string);
    expect([...times].sort().reverse()).toEqual(times);
    expect(first["@odata.nextLink"]).toMatch(
      new RegExp(`^${emulator.url}/v1.0/me/mailFolders/inbox/messages\\?`),
    );
    const second = await json<Page>(await graph(emulator, first["@odata.nextLink"]!, { token }));
    expect(second.value[0]!.id).not.toBe(first.value[0]!.id);
    expect(Object.keys(second.value[0]!)).toContain("subject");
  });

  it("counts the messages matching $filter independently of $top, inline and at /$count", async () => {
    const all = await json<Page>(await graph(emulator, "me/mailFolders/inbox/messages?$top=1000", { token }));
    const cutoff = all.value[6]!.receivedDateTime as string;
    const expected = all.value.filter((m) => (m.receivedDateTime as string) >= cutoff).length;
    const filter = `$filter=receivedDateTime ge ${cutoff}&$orderby=receivedDateTime desc`;
    const page = await json<Page>(
      await graph(emulator, `me/mailFolders/inbox/messages?${filter}&$top=2&$count=true`, { token }),
    );
    expect(page.value).toHaveLength(2);
    expect(page["@odata.count"]).toBe(expected);
    const counted = await graph(
      emulator,
      `me/mailFolders/inbox/messages/$count?$filter=receivedDateTime ge ${cutoff}`,
      { token },
    );
    expect(counted.status).toBe(200);
    expect(counted.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(await counted.text()).toBe(String(expected));
    const everything = await graph(emulator, "me/messages/$count", { token });
    expect(Number(await everything.text())).toBeGreaterThanOrEqual(all.value.length);
    const bad = await graph(emulator, "me/messages?$count=maybe", { token });
    expect(bad.status).toBe(400);
  });

  it("pages $top=1000 with a nextLink that skips on, newest first across pages", async () => {
    const inbox = emulator.store.mailbox("support@contoso.com")!;
    for (let i = 0; i < 1100; i++)
      deliverMessage(emulator.store, inbox, "inbox", {
        subject: `bulk ${i}`,
        receivedDateTime: new Date(Date.UTC(2020, 0, 1) + i * 60_000).toISOString().replace(".000", ""),
      });
    const first = await json<Page>(
      await graph(emulator, "me/mailFolders/inbox/messages?$select=receivedDateTime&$top=1000&$count=true", {
        token,
      }),
    );
    expect(first.value).toHaveLength(1000);
    expect(first["@odata.nextLink"]).toContain("$skip=1000");
    const second = await json<Page>(await graph(emulator, first["@odata.nextLink"]!, { token }));
    const times = [...first.value, ...second.value].map((m) => m.receivedDateTime as string);
    expect(times).toHaveLength(first["@odata.count"] as number);
    expect([...times].sort().reverse()).toEqual(times);
    expect(second["@odata.nextLink"]).toBeUndefined();
  });

  it("expands attachments with a nested $select on lists and on a GET", async () => {
    const inbox = emulator.store.mailbox("support@contoso.com")!;
    const sent = deliverMessage(emulator.store, inbox, "inbox", {
      subject: "with a file",
      attachments: [{ name: "a.txt", contentType: "text/plain", contentBytes: "aGk=" }],
    });
    const nested = "$expand=attachments($select=id,name,contentType,size,isInline)";
    const list = await json<Page>(
      await graph(emulator, `me/mailFolders/inbox/messages?$select=subject&${nested}&$top=100`, { token }),
    );
    const listed = list.value.find((m) => m.id === sent.id) as MessageJson & {
      attachments: Record<string, unknown>[];
    };
    expect(listed.attachments).toEqual([
      {
        "@odata.type": "#microsoft.graph.fileAttachment",
        id: expect.any(String),
        name: "a.txt",
        contentType: "text/plain",
        size: expect.any(Number),
        isInline: false,
      },
    ]);
    const one = await json<{ attachments: Record<string, unknown>[] }>(
      await graph(emulator, `me/messages/${sent.id}?${nested}`, { token }),
    );
    expect(one.attachments).toEqual(listed.attachments);
    const cast = await json<{ attachments: Record<string, unknown>[] }>(
      await graph(
        emulator,
        `me/messages/${sent.id}?$expand=attachments($select=name,microsoft.graph.fileAttachment/contentId)`,
        { token },
      ),
    );
    expect(cast.attachments).toEqual([
      {
        "@odata.type": "#microsoft.graph.fileAttachment",
        id: expect.any(String),
        name: "a.txt",
        contentId: null,
      },
    ]);
    const full = await json<{ attachments: Record<string, unknown>[] }>(
      await graph(emulator, `me/messages/${sent.id}?$expand=attachments`, { token }),
    );
    expect(full.attachments[0]!.contentBytes).toBe("aGk=");
    for (const wrong of [
      "attachments($select=nope)",
      "attachments($select=contentId)",
      "attachments($select=microsoft.graph.fileAttachment/nope)",
      "extensionz",
      "attachments($top=1)",
      "attachments((",
    ])
      expect((await graph(emulator, `me/messages/${sent.id}?$expand=${wrong}`, { token })).status).toBe(400);
  });

  it("filters by receivedDateTime, isRead and conversationId", async () => {
    const all = await json<Page>(await graph(emulator, "me/messages?$top=100", { token }));
    const unread = await json<Page>(
      await graph(emulator, "me/messages?$filter=isRead eq false&$top=100", { token }),
    );
    expect(unread.value.length).toBe(all.value.filter((m) => !m.isRead).length);
    const cutoff = all.value[3]!.receivedDateTime as string;
    const recent = await json<Page>(
      await graph(
        emulator,
        `me/messages?$filter=receivedDateTime ge ${cutoff} and isRead eq false&$top=100`,
        { token },
      ),
    );
    expect(recent.value.every((m) => (m.receivedDateTime as string) >= cutoff && !m.isRead)).toBe(true);
    const conversation = all.value[0]!.conversationId;
    const thread = await json<Page>(
      await graph(emulator, `me/messages?$filter=conversationId eq '${conversation}'`, { token }),
    );
    expect(thread.value.every((m) => m.conversationId === conversation)).toBe(true);
  });

  it("refuses an $orderby property that does not lead the $filter (InefficientFilter)", async () => {
    const response = await graph(
      emulator,
      "me/messages?$filter=isRead eq false&$orderby=receivedDateTime desc",
      { token },
    );
    expect(response.status).toBe(400);
    expect((await json<{ error: { code: string } }>(response)).error.code).toBe("InefficientFilter");
  });

  it("returns internetMessageHeaders only when selected, and the body as text on request", async () => {
    const [listed] = (
      await json<Page>(await graph(emulator, "me/mailFolders/inbox/messages?$top=1", { token }))
    ).value;
    expect(listed).not.toHaveProperty("internetMessageHeaders");
    const withHeaders = await json<MessageJson>(
      await graph(emulator, `me/messages/${listed!.id}?$select=internetMessageHeaders`, { token }),
    );
    expect(withHeaders.internetMessageHeaders!.map((h) => h.name)).toContain("Message-ID");
    const text = await graph(emulator, `me/messages/${listed!.id}`, {
      token,
      headers: { prefer: 'outlook.body-content-type="text"' },
    });
    expect(text.headers.get("preference-applied")).toContain('outlook.body-content-type="text"');
    expect((await json<MessageJson>(text)).body.contentType).toBe("text");
  });

  it("keeps immutable ids across a move while regular ids change and the old one stops resolving", async () => {
    const [message] = (
      await json<Page>(
        await graph(emulator, "me/mailFolders/inbox/messages?$top=1", { token, immutable: false }),
      )
    ).value;
    const regularId = message!.id;
    const immutable = await json<MessageJson>(await graph(emulator, `me/messages/${regularId}`, { token }));
    const moved = await graph(emulator, `me/messages/${regularId}/move`, {
      token,
      immutable: false,
      method: "POST",
      body: { destinationId: "archive" },
    });
    expect(moved.status).toBe(201);
    const movedJson = await json<MessageJson>(moved);
    expect(movedJson.id).not.toBe(regularId);
    expect((await graph(emulator, `me/messages/${regularId}`, { token, immutable: false })).status).toBe(404);
    const again = await json<MessageJson>(await graph(emulator, `me/messages/${immutable.id}`, { token }));
    expect(again.id).toBe(immutable.id);
    expect(again.parentFolderId).not.toBe(immutable.parentFolderId);
  });

  it("patches isRead, categories and flag, and only drafts' subject", async () => {
    const [message] = (
      await json<Page>(await graph(emulator, "me/mailFolders/inbox/messages?$top=1", { token }))
    ).value;
    const patched = await json<MessageJson>(
      await graph(emulator, `me/messages/${message!.id}`, {
        token,
        method: "PATCH",
        body: { isRead: true, categories: ["Blue"], flag: { flagStatus: "flagged" } },
      }),
    );
    expect(patched).toMatchObject({ isRead: true, categories: ["Blue"], flag: { flagStatus: "flagged" } });
    expect(patched.changeKey).not.toBe(message!.changeKey);
    expect(patched["@odata.etag"]).toBe(`W/"${patched.changeKey}"`);
    const refused = await graph(emulator, `me/messages/${message!.id}`, {
      token,
      method: "PATCH",
      body: { subject: "new" },
    });
    expect(refused.status).toBe(400);
    expect((await json<{ error: { code: string } }>(refused)).error.code).toBe(
      "ErrorInvalidPropertyUpdateSentMessage",
    );
  });

  it("creates a draft, edits it, copies it and deletes it", async () => {
    const draft = await json<MessageJson>(
      await graph(emulator, "me/messages", {
        token,
        method: "POST",
        body: { subject: "Draft", body: { contentType: "Text", content: "hi" } },
      }),
    );
    expect(draft).toMatchObject({ isDraft: true, subject: "Draft", body: { contentType: "text" } });
    const edited = await json<MessageJson>(
      await graph(emulator, `me/messages/${draft.id}`, {
        token,
        method: "PATCH",
        body: { subject: "Edited" },
      }),
    );
    expect(edited.subject).toBe("Edited");
    const copy = await json<MessageJson>(
      await graph(emulator, `me/messages/${draft.id}/copy`, {
        token,
        method: "POST",
        body: { destinationId: "inbox" },
      }),
    );
    expect(copy.id).not.toBe(draft.id);
    expect(copy.internetMessageId).toBe(draft.internetMessageId);
    expect((await graph(emulator, `me/messages/${draft.id}`, { token, method: "DELETE" })).status).toBe(204);
    expect((await graph(emulator, `me/messages/${draft.id}`, { token })).status).toBe(404);
  });
});
