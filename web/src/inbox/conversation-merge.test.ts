import type { ConversationItem } from "@mailroom/contract";
import { describe, expect, it } from "vitest";
import { RECONNECTED } from "../live/live-events.ts";
import {
  appendPage,
  byActivity,
  mergeFirstPage,
  mergeRefetched,
  refetchFor,
  updateAnnouncement,
} from "./conversation-merge.ts";

/** A conversation last active `minute` minutes after 09:00 (higher is newer). */
function conversation(id: string, minute: number, subject = `About ${id}`): ConversationItem {
  return {
    id,
    subject,
    snippet: "",
    lastMessageAt: new Date(Date.UTC(2026, 0, 5, 9, minute)).toISOString(),
    messageCount: 1,
    unreadCount: 0,
    status: "open",
    channel: { id: "ch1", email: "support@contoso.com", name: "Support" },
    participants: [],
    hasAttachments: false,
  };
}

const ids = (items: ConversationItem[]) => items.map((c) => c.id);

describe("byActivity", () => {
  it("puts the newest first and breaks ties by id, descending, as the server does", () => {
    const list = [conversation("a", 1), conversation("c", 5), conversation("b", 5), conversation("d", 3)];
    expect(ids(list.sort(byActivity))).toEqual(["c", "b", "d", "a"]);
  });
});

describe("refetchFor", () => {
  it("refetches the conversations an update names, or the first page when it names none", () => {
    const data = { channelId: "ch1" };
    expect(
      refetchFor({ type: "conversations.updated", data: { ...data, conversationIds: ["x", "y"] } }),
    ).toEqual(["x", "y"]);
    expect(refetchFor({ type: "conversations.updated", data: { ...data, conversationIds: null } })).toBe(
      "first-page",
    );
  });

  it("refetches the first page after a reconnect, inbox or channel changes, and a finished first import", () => {
    expect(refetchFor({ type: RECONNECTED, data: {} })).toBe("first-page");
    expect(refetchFor({ type: "inboxes.updated", data: {} })).toBe("first-page");
    expect(refetchFor({ type: "channels.updated", data: { channelId: "ch1" } })).toBe("first-page");
    const initial = { channelId: "ch1", kind: "initial", synced: 40, total: 40 } as const;
    expect(refetchFor({ type: "sync.progress", data: { ...initial, status: "done" } })).toBe("first-page");
  });

  it("ignores progress of a running import, backfills and events about other things", () => {
    const initial = { channelId: "ch1", kind: "initial", synced: 10, total: 40 } as const;
    expect(refetchFor({ type: "sync.progress", data: { ...initial, status: "running" } })).toBeNull();
    expect(
      refetchFor({
        type: "sync.progress",
        data: { channelId: "ch1", kind: "backfill", backfillId: "b1", synced: 5, total: 5, status: "done" },
      }),
    ).toBeNull();
    expect(refetchFor({ type: "members.updated", data: {} })).toBeNull();
    expect(refetchFor({ type: "sync.health", data: { channelId: "ch1" } })).toBeNull();
    expect(refetchFor({ type: "ready", data: { orgId: "o1" } })).toBeNull();
  });
});

describe("mergeFirstPage", () => {
  const loaded = [conversation("e", 50), conversation("d", 40), conversation("c", 30), conversation("b", 20)];

  it("replaces the list on a first load, or when nothing beyond the first page is loaded", () => {
    const page = [conversation("f", 60), conversation("e", 50)];
    expect(mergeFirstPage(null, page, true)).toEqual({ items: page, replaced: true });
    expect(mergeFirstPage(loaded.slice(0, 2), page, true)).toEqual({ items: page, replaced: true });
  });

  it("replaces the list when it was complete (no more pages): the page is all there is", () => {
    expect(mergeFirstPage(loaded, [conversation("e", 50)], false)).toEqual({
      items: [conversation("e", 50)],
      replaced: true,
    });
  });

  it("keeps the loaded pages below the new first page, without repeating what moved up", () => {
    // "b" got a reply and is now on top; "f" is new; the page ends at "e".
    const page = [conversation("b", 70), conversation("f", 60), conversation("e", 50)];
    const { items, replaced } = mergeFirstPage(loaded, page, true);
    expect(replaced).toBe(false);
    expect(ids(items)).toEqual(["b", "f", "e", "d", "c"]);
  });

  it("drops a loaded conversation that the first page no longer holds above its end", () => {
    // "d" was deleted: it sorts above the page's last item but the page doesn't have it.
    const page = [conversation("e", 50), conversation("c", 30)];
    const { items } = mergeFirstPage([...loaded, conversation("a", 10)], page, true);
    expect(ids(items)).toEqual(["e", "c", "b", "a"]);
  });
});

describe("mergeRefetched", () => {
  const loaded = [conversation("d", 40), conversation("c", 30), conversation("b", 20)];

  it("replaces a named conversation by its fresh version and moves it to its place", () => {
    const fresh = conversation("b", 45, "Re: About b");
    const items = mergeRefetched(loaded, ["b"], [fresh], true);
    expect(ids(items)).toEqual(["b", "d", "c"]);
    expect(items[0]!.subject).toBe("Re: About b");
  });

  it("adds a new conversation that sorts within the loaded pages", () => {
    expect(ids(mergeRefetched(loaded, ["n"], [conversation("n", 35)], true))).toEqual(["d", "n", "c", "b"]);
  });

  it("removes a named conversation the answer lacks (deleted, or moved out of this inbox)", () => {
    expect(ids(mergeRefetched(loaded, ["c"], [], true))).toEqual(["d", "b"]);
  });

  it("leaves out one that sorts below the loaded pages while more pages exist, not when the list is complete", () => {
    const old = conversation("o", 5);
    expect(ids(mergeRefetched(loaded, ["o"], [old], true))).toEqual(["d", "c", "b"]);
    expect(ids(mergeRefetched(loaded, ["o"], [old], false))).toEqual(["d", "c", "b", "o"]);
  });

  it("leaves the conversations it was not asked about alone", () => {
    const items = mergeRefetched(loaded, ["x"], [conversation("x", 50)], true);
    expect(items.slice(1)).toEqual(loaded);
  });
});

describe("appendPage", () => {
  it("appends the next page without repeating conversations already shown", () => {
    const shown = [conversation("d", 40), conversation("c", 30)];
    const next = [conversation("c", 30), conversation("b", 20), conversation("a", 10)];
    expect(ids(appendPage(shown, next))).toEqual(["d", "c", "b", "a"]);
    expect(ids(appendPage(null, next))).toEqual(["c", "b", "a"]);
  });
});

describe("updateAnnouncement", () => {
  it("names one updated conversation, counts several, and says nothing for none", () => {
    expect(updateAnnouncement([conversation("a", 1, "Invoice 42")])).toBe("Conversation updated: Invoice 42");
    expect(updateAnnouncement([conversation("a", 1, "")])).toBe("Conversation updated: (no subject)");
    expect(updateAnnouncement([conversation("a", 1), conversation("b", 2)])).toBe("2 conversations updated");
    expect(updateAnnouncement([])).toBeNull();
  });
});
