import type { EventBus } from "../events/bus.ts";

/**
 * Above this many changed conversations an event says "refetch the list" (null) instead. An event
 * is one NOTIFY, under 8,000 bytes (pg-bus.ts): 150 ids of 39 bytes (a uuid, its quotes and a
 * comma) take 5,850, leaving room for the envelope.
 */
export const MAX_EVENT_CONVERSATIONS = 150;

/**
 * The live inbox's cue after a page of mail is committed (by a delta round or a backfill): which
 * conversations of the channel changed. Sent after the commit, never inside it, so a reader that
 * refetches sees the change.
 */
export async function publishConversationsChanged(
  events: EventBus,
  ref: { orgId: string; channelId: string },
  conversationIds: string[],
): Promise<void> {
  if (conversationIds.length === 0) return;
  await events.publish(ref.orgId, {
    type: "conversations.updated",
    data: {
      channelId: ref.channelId,
      conversationIds: conversationIds.length > MAX_EVENT_CONVERSATIONS ? null : conversationIds,
    },
  });
}
