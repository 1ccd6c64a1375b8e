import { describe, expect, it } from "vitest";
import { LIVE_EVENT_TYPES, liveEvent } from "./live-events.ts";

describe("live events", () => {
  it("lists every event name of the union once", () => {
    expect([...LIVE_EVENT_TYPES].sort()).toEqual([
      "bulkActions.progress",
      "channels.attention",
      "channels.updated",
      "conversations.updated",
      "inboxes.updated",
      "members.updated",
      "outbox.updated",
      "presence.updated",
      "ready",
      "resync",
      "sync.health",
      "sync.progress",
    ]);
  });

  it("reads each kind of sync progress by its kind", () => {
    const backfill = liveEvent.parse({
      type: "sync.progress",
      data: {
        channelId: "c",
        kind: "backfill",
        backfillId: "b",
        synced: 3,
        total: null,
        status: "failed",
        error: "x",
      },
    });
    expect(backfill).toMatchObject({ data: { kind: "backfill", error: "x" } });
    const initial = liveEvent.safeParse({
      type: "sync.progress",
      data: { channelId: "c", kind: "initial", synced: 1, total: 2, status: "cancelled" },
    });
    expect(initial.success).toBe(false);
  });

  it("refuses an unknown type or a payload of the wrong shape", () => {
    expect(liveEvent.safeParse({ type: "conversation.created", data: {} }).success).toBe(false);
    expect(liveEvent.safeParse({ type: "sync.health", data: {} }).success).toBe(false);
    expect(
      liveEvent.safeParse({ type: "conversations.updated", data: { channelId: "c", conversationIds: null } })
        .success,
    ).toBe(true);
  });
});
