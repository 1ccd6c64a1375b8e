import { z } from "zod";
import type { JobQueue } from "../jobs/queue.ts";

/**
 * The jobs sync's stages send each other, as names and payload schemas (a leaf): intake queues
 * delta syncs, subscriptions queue a catch-up sync, delta asks subscriptions to recreate one Graph
 * no longer has — each through these, without importing the stage that runs the job. Every handler
 * parses its payload with the schema here.
 */

export const SYNC_REASONS = [
  "notification",
  "lifecycle",
  "sweep",
  "poll",
  "connect",
  "subscribed",
  "manual",
  "catch-up",
] as const;
export type SyncReason = (typeof SYNC_REASONS)[number];

/** `sync-channel` data. The first version was `{ channelId }` alone, which stays valid. */
export const syncChannelJob = z.object({
  channelId: z.uuid(),
  /** Set on a retry after a failed run: how many runs failed in a row. */
  attempt: z.number().int().min(1).max(20).optional(),
  reason: z.enum(SYNC_REASONS).optional(),
  notifiedAt: z.iso.datetime({ offset: true }).optional(),
});
export type SyncChannelJob = z.infer<typeof syncChannelJob>;

/** `subscription-upkeep` data: the slow Graph calls the webhook must not wait for. */
export const subscriptionUpkeepJob = z.discriminatedUnion("action", [
  z.object({ action: z.literal("subscribe"), channelId: z.uuid(), reconnected: z.boolean().optional() }),
  z.object({ action: z.enum(["reauthorize", "recreate"]), subscriptionId: z.string().min(1).max(128) }),
]);
export type SubscriptionUpkeepJob = z.infer<typeof subscriptionUpkeepJob>;

/** `sync-backfill` data. */
export const syncBackfillJob = z.object({ backfillId: z.uuid() });
export type SyncBackfillJob = z.infer<typeof syncBackfillJob>;

type Sender = Pick<JobQueue, "send">;
type SendOptions = Parameters<JobQueue["send"]>[2];

/**
 * Queues a delta sync. `sync-channel` is a stately queue: one waiting job per singleton key (the
 * channel id, or `<reason>:<channel>` for jobs that must not take the channel's waiting slot).
 */
export function sendSyncChannel(queue: Sender, job: SyncChannelJob, options: SendOptions) {
  return queue.send("sync-channel", job, options);
}

/** Queues many delta syncs in one insert (intake's flush). */
export function sendSyncChannels(
  queue: Pick<JobQueue, "sendMany">,
  jobs: { data: SyncChannelJob; singletonKey: string }[],
) {
  return queue.sendMany("sync-channel", jobs);
}

/** Queues subscription upkeep, one waiting job per action and target. */
export function sendSubscriptionUpkeep(queue: Sender, job: SubscriptionUpkeepJob) {
  const target = job.action === "subscribe" ? job.channelId : job.subscriptionId;
  return queue.send("subscription-upkeep", job, { singletonKey: `${job.action}:${target}` });
}

/** Queues a backfill's job; one per channel at a time. */
export function sendBackfill(
  queue: Sender,
  row: { id: string; channelId: string },
  startAfterSeconds?: number,
) {
  const job: SyncBackfillJob = { backfillId: row.id };
  return queue.send("sync-backfill", job, {
    singletonKey: `backfill:${row.channelId}`,
    ...(startAfterSeconds ? { startAfterSeconds } : {}),
  });
}
