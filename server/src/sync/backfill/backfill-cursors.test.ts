import { describe, expect, it } from "vitest";
import { advanceCursors, backfillTotal } from "./backfill-cursors.ts";

const none = new Map();

describe("a backfill's position per folder", () => {
  it("moves a folder to its next page and counts what the page held", () => {
    const after = advanceCursors(
      {},
      { folder: "inbox", messages: 1000, count: 2500, next: "/me/mailFolders/inbox/messages?$skip=1000" },
      none,
    );
    expect(after.inbox).toEqual({
      synced: 1000,
      total: 2500,
      nextLink: "/me/mailFolders/inbox/messages?$skip=1000",
      done: false,
    });
    expect(after.sentitems).toBeUndefined();
  });

  it("marks a folder done at its last page and keeps the total its first page gave", () => {
    const first = advanceCursors({}, { folder: "inbox", messages: 1000, count: 1200, next: "/next" }, none);
    const last = advanceCursors(first, { folder: "inbox", messages: 200 }, none);
    expect(last.inbox).toEqual({ synced: 1200, total: 1200, nextLink: null, done: true });
  });

  it("takes another folder's total from its first page before that page is stored", () => {
    const after = advanceCursors(
      {},
      { folder: "inbox", messages: 10, count: 10 },
      new Map([["sentitems", 7]]),
    );
    expect(after.sentitems).toEqual({ nextLink: null, synced: 0, done: false, total: 7 });
    expect(backfillTotal(after)).toBe(17);
  });

  it("has no total until every followed folder reported one", () => {
    expect(backfillTotal({})).toBeNull();
    const inbox = { nextLink: null, synced: 3, total: 3, done: true };
    expect(backfillTotal({ inbox })).toBeNull();
    expect(
      backfillTotal({ inbox, sentitems: { nextLink: null, synced: 0, total: null, done: false } }),
    ).toBeNull();
    expect(backfillTotal({ inbox, sentitems: { nextLink: null, synced: 0, total: 0, done: true } })).toBe(3);
  });
});
