import { sql } from "drizzle-orm";
import { connectedAmong, connectedChannelIds } from "../../channels/channel-store.ts";
import type { Config } from "../../config.ts";
import type { Db } from "../../db/client.ts";
import type { JobQueue } from "../../jobs/queue.ts";
import type { Logger } from "../../log.ts";
import { type SyncChannelJob, sendSyncChannel } from "../job-messages.ts";
import { pollingChannelsDue } from "../state/sync-state.ts";
import { deleteExpiredLeases } from "./sync-lease.ts";

/**
 * The safety nets under notifications (issue 5, "Safety"): the sweep runs the same delta for every
 * connected channel every SYNC_SWEEP_MINUTES, so a lost notification delays mail and never loses
 * it; the poll runs it every SYNC_POLL_SECONDS for channels without webhooks. Both only enqueue
 * `sync-channel` jobs; the lease and the rerun note make an extra job harmless.
 */
export interface SweepDeps {
  config: Config;
  db: Db;
  queue: Pick<JobQueue, "send">;
  logger?: Logger;
  /** For tests: a deterministic spread. */
  random?: () => number;
}

/** The sweep's starts are spread over this fraction of its interval. */
export const SWEEP_SPREAD = 0.5;
/** A polling channel is due this much before its interval has fully passed (the cron is per minute). */
export const POLL_SLACK_SECONDS = 5;
/** Sends in flight at once while enqueueing. */
const SEND_CONCURRENCY = 25;

/**
 * A cron expression (UTC) for "every `minutes` minutes". Cron can only divide the hour or the day:
 * under an hour, `*∕m` (a divisor of 60 keeps it even; otherwise the last gap of each hour is
 * shorter); whole hours as `0 *∕h`; anything else rounds to the nearest whole hour.
 */
export function everyMinutesCron(minutes: number): string {
  if (minutes <= 1) return "* * * * *";
  if (minutes < 60) return `*/${minutes} * * * *`;
  const hours = Math.min(24, Math.max(1, Math.round(minutes / 60)));
  return hours >= 24 ? "0 0 * * *" : `0 */${hours} * * *`;
}

/** Enqueues a sweep sync for every connected channel, starts spread over half the interval. */
export async function runSyncSweep(deps: SweepDeps): Promise<{ enqueued: number }> {
  const random = deps.random ?? Math.random;
  const channelIds = await connectedChannelIds(deps.db);
  const spreadSeconds = Math.floor(deps.config.sync.sweepMinutes * 60 * SWEEP_SPREAD);
  await sendAll(
    deps,
    channelIds.map((channelId) => ({
      job: { channelId, reason: "sweep" as const },
      startAfterSeconds: Math.floor(random() * spreadSeconds),
    })),
  );
  deps.logger?.info({ channels: channelIds.length, spreadSeconds }, "sync sweep enqueued");
  return { enqueued: channelIds.length };
}

/**
 * Enqueues a poll for every connected channel in polling mode whose last completed delta round is
 * older than SYNC_POLL_SECONDS. Runs every minute; an interval under a minute gets one job per
 * interval within the coming minute.
 */
export async function runSyncPoll(deps: SweepDeps): Promise<{ enqueued: number }> {
  const pollSeconds = deps.config.sync.pollSeconds;
  const dueBefore = sql`now() - make_interval(secs => ${Math.max(1, pollSeconds - POLL_SLACK_SECONDS)})`;
  const polling = await pollingChannelsDue(deps.db, dueBefore);
  const connected = await connectedAmong(deps.db, polling);
  const channelIds = polling.filter((id) => connected.has(id));
  const perMinute = Math.max(1, Math.floor(60 / pollSeconds));
  const sends = channelIds.flatMap((channelId) =>
    Array.from({ length: perMinute }, (_, k) => ({
      job: { channelId, reason: "poll" as const },
      startAfterSeconds: k * pollSeconds,
    })),
  );
  await sendAll(deps, sends);
  if (channelIds.length > 0) deps.logger?.debug({ channels: channelIds.length }, "sync poll enqueued");
  return { enqueued: channelIds.length };
}

/**
 * Sync leases whose holder stopped renewing them (its process died mid-run): a sync asked for
 * meanwhile only left a note on the dead lease, so the round is queued again here and the lease
 * cleared. Runs with the poll, every minute; a live holder renews its lease every few seconds.
 */
export async function reapExpiredLeases(deps: SweepDeps): Promise<{ enqueued: number }> {
  const channelIds = await deleteExpiredLeases(deps.db);
  await Promise.all(
    channelIds.map((channelId) =>
      sendSyncChannel(deps.queue, { channelId, reason: "poll" }, { singletonKey: channelId }),
    ),
  );
  if (channelIds.length > 0)
    deps.logger?.warn({ channels: channelIds.length }, "expired sync leases: syncs queued again");
  return { enqueued: channelIds.length };
}

/**
 * Sweep and poll jobs wait under their own singleton keys (`sweep:<channel>`, `poll:<channel>`):
 * `sync-channel` is stately (one waiting job per key), and a sweep job waiting out its spread must
 * not stand in the way of a notification's sync under the channel's own key.
 */
async function sendAll(deps: SweepDeps, sends: { job: SyncChannelJob; startAfterSeconds: number }[]) {
  for (let i = 0; i < sends.length; i += SEND_CONCURRENCY) {
    await Promise.all(
      sends.slice(i, i + SEND_CONCURRENCY).map(({ job, startAfterSeconds }) =>
        sendSyncChannel(deps.queue, job, {
          singletonKey: `${job.reason}:${job.channelId}`,
          ...(startAfterSeconds > 0 ? { startAfterSeconds } : {}),
        }),
      ),
    );
  }
}
