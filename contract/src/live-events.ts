import { z } from "zod";
import { backfillStatus } from "./sync.ts";

/**
 * The org's live events (`GET /api/events`, Server-Sent Events named by `type`, `data` as JSON).
 * Small payloads: ids and counters, never message bodies or secrets. Pages refetch what an event
 * names rather than trusting it as the state.
 */

const nothing = z.object({});
const channelId = z.string();

/** How the first import (kind "initial") or a backfill is going, per committed page. */
const syncProgress = z.discriminatedUnion("kind", [
  z.object({
    channelId,
    kind: z.literal("initial"),
    synced: z.number(),
    total: z.number().nullable(),
    status: z.enum(["running", "done"]),
  }),
  z.object({
    channelId,
    kind: z.literal("backfill"),
    backfillId: z.string(),
    synced: z.number(),
    total: z.number().nullable(),
    status: backfillStatus,
    error: z.string().optional(),
  }),
]);

export const liveEvent = z.discriminatedUnion("type", [
  /** The first event of every stream, and again after the browser reconnects. */
  z.object({ type: z.literal("ready"), data: z.object({ orgId: z.string() }) }),
  /** Members, roles or invitations changed. */
  z.object({ type: z.literal("members.updated"), data: nothing }),
  /** A channel changed (status, settings, aliases, inbox links); no id when credentials changed. */
  z.object({ type: z.literal("channels.updated"), data: z.object({ channelId: channelId.optional() }) }),
  /**
   * A channel's connection started or stopped needing attention (issue 12): `status` is its new
   * state, `reason` why (null once fixed). The banner refetches `GET /api/channels/attention`.
   */
  z.object({
    type: z.literal("channels.attention"),
    data: z.object({ channelId, status: z.string(), reason: z.string().nullable() }),
  }),
  z.object({ type: z.literal("inboxes.updated"), data: nothing }),
  /** Stored mail changed; `conversationIds` null when too many to name (refetch the first page). */
  z.object({
    type: z.literal("conversations.updated"),
    data: z.object({ channelId, conversationIds: z.array(z.string()).nullable() }),
  }),
  z.object({ type: z.literal("sync.progress"), data: syncProgress }),
  /** A channel's sync health changed: refetch it. */
  z.object({ type: z.literal("sync.health"), data: z.object({ channelId }) }),
  /** A bulk action moved on (ADR 019): fetch it for the failures and the summary once done. */
  z.object({
    type: z.literal("bulkActions.progress"),
    data: z.object({
      bulkActionId: z.string(),
      status: z.enum(["queued", "running", "done", "failed"]),
      total: z.number(),
      done: z.number(),
      failed: z.number(),
    }),
  }),
  /** An outgoing message changed state (queued, sent, failed, cancelled…): refetch the conversation's outbox. */
  z.object({
    type: z.literal("outbox.updated"),
    data: z.object({
      channelId,
      outboxId: z.string(),
      conversationId: z.string().nullable(),
      state: z.string(),
    }),
  }),
  /** Who is viewing or replying to a conversation; `until` is when it lapses without a renewal. */
  z.object({
    type: z.literal("presence.updated"),
    data: z.object({
      channelId,
      conversationId: z.string(),
      userId: z.string(),
      name: z.string(),
      activity: z.enum(["viewing", "composing", "left"]),
      until: z.string(),
    }),
  }),
  /** Events may have been lost (the server's event connection dropped): refetch everything shown. */
  z.object({ type: z.literal("resync"), data: nothing }),
]);
export type LiveEvent = z.infer<typeof liveEvent>;
export type LiveEventType = LiveEvent["type"];
export type LiveEventOf<Type extends LiveEventType> = Extract<LiveEvent, { type: Type }>;

/** Every event name (an EventSource needs a listener per named event). */
export const LIVE_EVENT_TYPES: readonly LiveEventType[] = liveEvent.options.map(
  (option) => option.shape.type.value,
);
