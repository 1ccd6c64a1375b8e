import type { EventBus } from "../events/bus.ts";

/** Above this many changed conversations an event says "refetch the list" (null) instead. */
export const MAX_EVENT_CONVERSATIONS = 200;

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
