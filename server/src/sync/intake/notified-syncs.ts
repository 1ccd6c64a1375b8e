import type { SyncChannelJob } from "../job-messages.ts";
import { type LastSend, nextFlushAt, planFlush } from "./flush-plan.ts";
import { MAX_CACHED_SUBSCRIPTIONS } from "./subscription-cache.ts";

type NotifiedReason = "notification" | "lifecycle";

export interface NotifiedSyncs {
  /** The channels' notifications arrived now: their syncs go out with a coming flush. */
  syncSoon(channelIds: Iterable<string>, reason?: NotifiedReason): void;
  /** Flushes whatever is pending (shutdown) and stops the timer. */
  close(): Promise<void>;
}

/**
 * The timer-driven shell around flush-plan.ts: change notifications are coalesced into
 * `sync-channel` jobs, each flush inserting one job per due channel in a single statement (a
 * channel whose sync already waits is skipped by the stately queue). A queued sync starts after
 * every change its notifications announce. A process that dies before a flush loses those hints;
 * the sweep covers them, as it does any lost notification.
 */
export function notifiedSyncs(
  send: (jobs: { data: SyncChannelJob; singletonKey: string }[]) => Promise<void>,
): NotifiedSyncs {
  const pending = new Map<string, { notifiedAt: string; reason: NotifiedReason; notifications: number }>();
  const lastSent = new Map<string, LastSend>();
  let lastFlush = 0;
  let timer: NodeJS.Timeout | undefined;

  const arm = (now: number) => {
    if (timer) return;
    const at = nextFlushAt({ pending, lastSent, lastFlush }, now);
    if (at !== undefined) timer = setTimeout(() => void flush(), at - now);
  };

  const flush = async (all = false) => {
    timer = undefined;
    const now = Date.now();
    const plan = planFlush({ pending, lastSent, lastFlush }, now, { all });
    lastFlush = now;
    const jobs: { data: SyncChannelJob; singletonKey: string }[] = [];
    for (const [channelId, sent] of plan.send) {
      const { notifiedAt, reason } = pending.get(channelId)!;
      pending.delete(channelId);
      lastSent.set(channelId, sent);
      jobs.push({ data: { channelId, reason, notifiedAt }, singletonKey: channelId });
    }
    if (lastSent.size > MAX_CACHED_SUBSCRIPTIONS) lastSent.clear();
    arm(now);
    await send(jobs);
  };

  return {
    syncSoon(channelIds, reason = "notification") {
      const now = Date.now();
      const notifiedAt = new Date(now).toISOString();
      for (const channelId of channelIds) {
        const notifications = (pending.get(channelId)?.notifications ?? 0) + 1;
        pending.set(channelId, { notifiedAt, reason, notifications });
      }
      arm(now);
    },
    async close() {
      clearTimeout(timer);
      await flush(true);
      clearTimeout(timer);
    },
  };
}
