import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../server.ts";
import { deleteMessage, deliverMessage, moveMessage, updateMessage } from "../store/messages.ts";
import { emulatorFetch, jsonInit } from "../testing/emulator-fetch.ts";
import { graph, json, type MessageJson, type Page, startEmulator, userToken } from "./testing.ts";

type Item = MessageJson & { "@removed"?: { reason: string } };

describe("messages delta per folder", () => {
  let emulator: Emulator;
  let token: string;
  const mailbox = () => emulator.store.mailbox("support@contoso.com")!;
  const inboxSize = () =>
    [...mailbox().folders.values()].find((f) => f.wellKnownName === "inbox")!.messages.size;

  /** Follows nextLinks to the deltaLink, collecting every item. */
  async function round(url: string, pageSize = 5) {
    const items: Item[] = [];
    let next: string | undefined = url;
    let pages = 0;
    while (next) {
      const response = await graph(emulator, next, {
        token,
        headers: { prefer: `odata.maxpagesize=${pageSize}` },
      });
      expect(response.status).toBe(200);
      const page = await json<Page<Item>>(response);
      items.push(...page.value);
      pages++;
      if (page["@odata.deltaLink"]) return { items, pages, deltaLink: page["@odata.deltaLink"] };
      next = page["@odata.nextLink"];
    }
    throw new Error("no deltaLink");
  }

  beforeAll(async () => {
    emulator = await startEmulator();
    token = userToken(emulator, "support");
  });
  afterEach(() => emulator.reset());
  afterAll(() => emulator.close());

  it("pages the initial sync with odata.maxpagesize and honours Preference-Applied", async () => {
    const response = await graph(emulator, "me/mailFolders/inbox/messages/delta?$select=subject,isRead", {
      token,
      headers: { prefer: "odata.maxpagesize=4" },
    });
    expect(response.headers.get("preference-applied")).toContain("odata.maxpagesize=4");
    const page = await json<Page<Item>>(response);
    expect(page.value).toHaveLength(4);
    expect(page["@odata.nextLink"]).toMatch(
      new RegExp(`^${emulator.url}/v1.0/me/mailFolders/inbox/messages/delta\\?\\$skiptoken=`),
    );
    expect(Object.keys(page.value[0]!).sort()).toEqual([
      "@odata.etag",
      "@odata.type",
      "id",
      "isRead",
      "subject",
    ]);
    const rest = await round(page["@odata.nextLink"]!, 4);
    expect(page.value.length + rest.items.length).toBe(inboxSize());
    // $select was baked into the skip token: later pages keep the shape.
    expect(Object.keys(rest.items[0]!).sort()).toEqual([
      "@odata.etag",
      "@odata.type",
      "id",
      "isRead",
      "subject",
    ]);
  });

  it("returns created, updated and removed (deleted or moved out) messages, each once in its latest state", async () => {
    const initial = await round("me/mailFolders/inbox/messages/delta");
    const [a, b, c] = initial.items;
    const store = emulator.store;
    const created = deliverMessage(store, mailbox(), "inbox", {
      subject: "New one",
      from: { emailAddress: { address: "x@y.example" } },
    });
    updateMessage(store, mailbox(), created.id, { isRead: true });
    updateMessage(store, mailbox(), a!.id, { isRead: true });
    updateMessage(store, mailbox(), a!.id, { categories: ["Red"] });
    deleteMessage(store, mailbox(), b!.id);
    moveMessage(store, mailbox(), c!.id, "archive");
    const next = await round(initial.deltaLink, 2);
    expect(next.items).toHaveLength(4);
    const byId = new Map(next.items.map((item) => [item.id, item]));
    expect(byId.get(created.id)).toMatchObject({ subject: "New one", isRead: true });
    expect(byId.get(a!.id)).toMatchObject({ isRead: true, categories: ["Red"] });
    expect(byId.get(b!.id)).toEqual({
      "@odata.type": "#microsoft.graph.message",
      id: b!.id,
      "@removed": { reason: "deleted" },
    });
    expect(byId.get(c!.id)?.["@removed"]).toEqual({ reason: "deleted" });
    const quiet = await round(next.deltaLink);
    expect(quiet.items).toEqual([]);
  });

  it("bakes $filter=receivedDateTime ge into the links", async () => {
    const all = await json<Page>(await graph(emulator, "me/mailFolders/inbox/messages?$top=100", { token }));
    const cutoff = all.value[4]!.receivedDateTime as string;
    const filtered = await round(
      `me/mailFolders/inbox/messages/delta?$filter=receivedDateTime ge ${cutoff}`,
      2,
    );
    expect(filtered.items).toHaveLength(5);
    deliverMessage(emulator.store, mailbox(), "inbox", {
      subject: "old",
      receivedDateTime: "2001-01-01T00:00:00Z",
    });
    const fresh = deliverMessage(emulator.store, mailbox(), "inbox", { subject: "fresh" });
    const next = await round(filtered.deltaLink);
    expect(next.items.map((item) => item.id)).toEqual([fresh.id]);
  });

  it("orders by receivedDateTime desc when asked (baked into the links), and refuses other $orderby", async () => {
    for (const [i, day] of ["2003-05-02", "2009-01-01", "2001-07-07", "2015-03-03"].entries())
      deliverMessage(emulator.store, mailbox(), "inbox", {
        subject: `dated ${i}`,
        receivedDateTime: `${day}T00:00:00Z`,
      });
    const ordered = await round(
      "me/mailFolders/inbox/messages/delta?$select=receivedDateTime&$orderby=receivedDateTime desc",
      3,
    );
    expect(ordered.pages).toBeGreaterThan(1);
    const times = ordered.items.map((item) => item.receivedDateTime as string);
    expect(times).toHaveLength(inboxSize());
    expect([...times].sort().reverse()).toEqual(times);
    const older = deliverMessage(emulator.store, mailbox(), "inbox", {
      subject: "older",
      receivedDateTime: "2000-01-01T00:00:00Z",
    });
    const newer = deliverMessage(emulator.store, mailbox(), "inbox", { subject: "newer" });
    const next = await round(ordered.deltaLink);
    expect(next.items.map((item) => item.id)).toEqual([newer.id, older.id]);
    for (const wrong of ["subject desc", "receivedDateTime", "receivedDateTime asc"]) {
      const response = await graph(emulator, `me/mailFolders/inbox/messages/delta?$orderby=${wrong}`, {
        token,
      });
      expect(response.status).toBe(400);
    }
  });

  it("caps a filtered round at 5,000 messages, the newest when ordered", async () => {
    const start = Date.UTC(2090, 0, 1);
    for (let i = 0; i < 5003; i++)
      deliverMessage(emulator.store, mailbox(), "inbox", {
        subject: `n${i}`,
        receivedDateTime: new Date(start + i * 60_000).toISOString().replace(".000", ""),
      });
    const filtered = await round(
      "me/mailFolders/inbox/messages/delta?$select=subject&$filter=receivedDateTime ge 2090-01-01T00:00:00Z&$orderby=receivedDateTime desc",
      1000,
    );
    expect(filtered.items).toHaveLength(5000);
    expect(filtered.items[0]!.subject).toBe("n5002");
    expect(filtered.items.at(-1)!.subject).toBe("n3");
  });

  it("expands attachments (nested $select) on every page of the round and the next", async () => {
    const withFile = () =>
      deliverMessage(emulator.store, mailbox(), "inbox", {
        subject: "file",
        attachments: [{ name: "r.pdf", contentType: "application/pdf", contentBytes: "JVBERi0=" }],
      });
    const first = withFile();
    const initial = await round(
      "me/mailFolders/inbox/messages/delta?$select=subject,hasAttachments&$expand=attachments($select=id,name,size,isInline)",
      2,
    );
    expect(initial.pages).toBeGreaterThan(1);
    const attachmentsOf = (items: Item[], id: string) =>
      (items.find((item) => item.id === id) as unknown as { attachments: unknown[] }).attachments;
    const expected = [
      {
        "@odata.type": "#microsoft.graph.fileAttachment",
        id: expect.any(String),
        name: "r.pdf",
        size: expect.any(Number),
        isInline: false,
      },
    ];
    expect(attachmentsOf(initial.items, first.id)).toEqual(expected);
    expect(
      initial.items.every((item) => Array.isArray((item as { attachments?: unknown }).attachments)),
    ).toBe(true);
    const second = withFile();
    const next = await round(initial.deltaLink);
    expect(attachmentsOf(next.items, second.id)).toEqual(expected);
  });

  it("answers 410 SyncStateNotFound after the delta tokens are evicted, for one mailbox or all", async () => {
    const { deltaLink } = await round("me/mailFolders/inbox/messages/delta", 50);
    const evict = await emulatorFetch(
      emulator,
      "/_emulator/delta/evict",
      jsonInit("POST", { mailbox: "support@contoso.com" }),
    );
    expect(await evict.json()).toEqual({ evicted: expect.any(Number) });
    const gone = await graph(emulator, deltaLink, { token });
    expect(gone.status).toBe(410);
    const body = await json<{ error: { code: string; message: string } }>(gone);
    expect(body.error.code).toBe("SyncStateNotFound");
    expect(body.error.message).toMatch(/^The sync state generation is not found/);
    const again = await round("me/mailFolders/inbox/messages/delta", 50);
    await emulatorFetch(emulator, "/_emulator/delta/evict", jsonInit("POST", {}));
    expect((await graph(emulator, again.deltaLink, { token })).status).toBe(410);
  });

  it("answers 410 when the change log was pruned past the token", async () => {
    const { deltaLink } = await round("me/mailFolders/inbox/messages/delta", 50);
    mailbox().changeLogFloor = mailbox().changeSeq + 1;
    expect((await graph(emulator, deltaLink, { token })).status).toBe(410);
  });

  it("filters incremental rounds by changeType", async () => {
    const initial = await round("me/mailFolders/inbox/messages/delta?changeType=created", 50);
    updateMessage(emulator.store, mailbox(), initial.items[0]!.id, { isRead: true });
    const created = deliverMessage(emulator.store, mailbox(), "inbox", { subject: "only me" });
    const next = await round(initial.deltaLink);
    expect(next.items.map((item) => item.id)).toEqual([created.id]);
  });
});
