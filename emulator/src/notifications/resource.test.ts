import { describe, expect, it } from "vitest";
import { checkExpiration } from "./expiration.ts";
import { shuffle } from "./faults.ts";
import { parseChangeTypes, parseMailResource } from "./resource.ts";
import { nextAttemptAt, retryDelay } from "./retry.ts";

describe("pure rules", () => {
  it("parses the documented mail resources", () => {
    expect(parseMailResource("me/mailFolders('Inbox')/messages")).toEqual({ user: "me", folder: "Inbox" });
    expect(parseMailResource("/me/mailfolders('inbox')/messages")).toEqual({ user: "me", folder: "inbox" });
    expect(parseMailResource("/me/messages")).toEqual({ user: "me", folder: null });
    expect(parseMailResource("/users/abc/mailFolders/AAMk=/messages")).toEqual({
      user: { idOrUpn: "abc" },
      folder: "AAMk=",
    });
    expect(parseMailResource("users('a@b.com')/messages")).toEqual({
      user: { idOrUpn: "a@b.com" },
      folder: null,
    });
    expect(parseMailResource("/me/events")).toBeNull();
    expect(parseMailResource("/me/messages?$filter=isRead eq false")).toBeNull();
  });

  it("parses comma-separated change types", () => {
    expect(parseChangeTypes("created, Updated,deleted")).toEqual(["created", "updated", "deleted"]);
    expect(parseChangeTypes("created,moved")).toBeNull();
    expect(parseChangeTypes("")).toBeNull();
  });

  it("enforces the maximum expiration with Graph's message", () => {
    const now = Date.parse("2024-01-01T00:00:00Z");
    expect(checkExpiration("2024-01-03T22:30:00Z", now, 4230)).toEqual({
      ok: true,
      expiresAt: now + 4230 * 60_000,
    });
    expect(checkExpiration("2024-01-03T22:30:01Z", now, 4230)).toMatchObject({
      ok: false,
      message: "Subscription expiration can only be 4230 minutes in the future.",
    });
  });

  it("backs off exponentially within the retry window", () => {
    const policy = { retryBaseDelayMs: 10_000, retryMaxDelayMs: 1_800_000, retryWindowMs: 4 * 3_600_000 };
    expect([1, 2, 3, 10, 20].map((attempts) => retryDelay(attempts, policy))).toEqual([
      10_000, 20_000, 40_000, 1_800_000, 1_800_000,
    ]);
    expect(nextAttemptAt(0, 1, 0, policy)).toBe(10_000);
    expect(nextAttemptAt(0, 5, 4 * 3_600_000 - 1_000, policy)).toBeNull();
  });

  it("always changes the order of two or more items when shuffling", () => {
    for (let i = 0; i < 50; i++) expect(shuffle([1, 2, 3])).not.toEqual([1, 2, 3]);
  });
});
