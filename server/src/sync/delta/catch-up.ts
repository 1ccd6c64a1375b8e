import { connectedChannelIds } from "../../channels/channel-store.ts";
import { sendSyncChannel } from "../job-messages.ts";
import type { SweepDeps } from "./sweep.ts";
import { leaseExpiries } from "./sync-lease.ts";

/**
 * The catch-up at start: every connected channel gets one delta round when a worker process starts,
 * so mail that arrived while Mailroom was down (a crash, a deploy) shows up within a minute instead
 * of at the next safety sweep. Graph's notifications to a process that was down failed, and Graph
 * retries those only on its own schedule, for up to 4 hours:
 * https://learn.microsoft.com/graph/change-notifications-delivery-webhooks#processing-the-change-notification
 *
 * A starting worker queues the `sync-catch-up` job CATCH_UP_AFTER_START_SECONDS ahead, one waiting
 * at a time: workers starting together (a deploy, a cluster restart) find it waiting and queue no
 * other, so they cost one round per channel, not one each. The rounds are `sync-channel` jobs under
 * their own key (`catch-up:<channel>`, one waiting per channel), their starts spread (about
 * CATCH_UP_STARTS_PER_SECOND, over at most CATCH_UP_MAX_SPREAD_SECONDS) so that thousands of
 * channels don't all start against Graph in the same instant. A channel whose sync lease is still
 * held — by the process that just died, as likely as not — gets its round just after the lease
 * lapses: before, the round would only leave a rerun note on a lease nobody renews, which the
 * lease reaper finds up to a minute later.
 */
export const CATCH_UP_AFTER_START_SECONDS = 10;
export const CATCH_UP_STARTS_PER_SECOND = 10;
export const CATCH_UP_MAX_SPREAD_SECONDS = 30;
/** Past the lease's expiry, so the round finds it free (clocks of database and worker differ a little). */
const AFTER_LEASE_SECONDS = 1;
const SEND_CONCURRENCY = 25;

export interface CatchUpChannel {
  channelId: string;
  /** Seconds until the channel's sync lease expires, when one is held. */
  leaseExpiresInSeconds: number | null;
}

/** When each channel's catch-up round may start, in seconds from now. */
export function planCatchUp(
  rows: CatchUpChannel[],
  random: () => number = Math.random,
): { channelId: string; startAfterSeconds: number }[] {
  const spreadSeconds = Math.min(
    CATCH_UP_MAX_SPREAD_SECONDS,
    Math.floor(rows.length / CATCH_UP_STARTS_PER_SECOND),
  );
  return rows.map(({ channelId, leaseExpiresInSeconds }) => {
    const spread = Math.floor(random() * spreadSeconds);
    const afterLease =
      leaseExpiresInSeconds !== null && leaseExpiresInSeconds > 0
        ? Math.ceil(leaseExpiresInSeconds) + AFTER_LEASE_SECONDS
        : 0;
    return { channelId, startAfterSeconds: Math.max(spread, afterLease) };
  });
}

/** Queues the catch-up round of every connected channel. */
export async function enqueueCatchUp(deps: SweepDeps): Promise<{ enqueued: number }> {
  const [channelIds, leases] = await Promise.all([connectedChannelIds(deps.db), leaseExpiries(deps.db)]);
  const plan = planCatchUp(
    channelIds.map((channelId) => ({ channelId, leaseExpiresInSeconds: leases.get(channelId) ?? null })),
    deps.random,
  );
  let enqueued = 0;
  for (let i = 0; i < plan.length; i += SEND_CONCURRENCY) {
    const ids = await Promise.all(
      plan.slice(i, i + SEND_CONCURRENCY).map(({ channelId, startAfterSeconds }) =>
        sendSyncChannel(
          deps.queue,
          { channelId, reason: "catch-up" },
          {
            singletonKey: `catch-up:${channelId}`,
            ...(startAfterSeconds > 0 ? { startAfterSeconds } : {}),
          },
        ),
      ),
    );
    enqueued += ids.filter((id) => id !== null).length;
  }
  const latest = Math.max(0, ...plan.map((p) => p.startAfterSeconds));
  deps.logger?.info(
    { channels: plan.length, enqueued, lastStartInSeconds: latest },
    "catch-up after start: a delta round queued for every connected channel",
  );
  return { enqueued };
}
