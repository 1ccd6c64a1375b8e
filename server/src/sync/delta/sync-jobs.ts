import { DrizzleQueryError } from "drizzle-orm";
import { ChannelNeedsReauth } from "../../channels/access-token.ts";
import { orgOfChannel } from "../../channels/channel-store.ts";
import type { JobDefinition, JobQueue } from "../../jobs/queue.ts";
import { GraphError } from "../../microsoft/graph-client.ts";
import { type SyncChannelJob, sendSyncChannel, syncChannelJob } from "../job-messages.ts";
import { publishHealthChanged, recordSyncError } from "../state/sync-state.ts";
import type { SyncDeps } from "../sync-deps.ts";
import { CATCH_UP_AFTER_START_SECONDS, enqueueCatchUp } from "./catch-up.ts";
import { everyMinutesCron, reapExpiredLeases, runSyncPoll, runSyncSweep } from "./sweep.ts";
import { syncChannel } from "./sync-channel.ts";

export interface SyncJobDeps extends SyncDeps {
  queue: () => Pick<JobQueue, "send">;
}

/** A failed run is retried this many times (15 s, 30 s, 60 s, …), then left to the sweep. */
const MAX_ATTEMPTS = 5;
/** A throttled run retries after Graph's Retry-After; without one, after this long. */
const DEFAULT_THROTTLE_SECONDS = 30;

/**
 * The delta sync job and its safety nets. Send `sync-channel` with `singletonKey: channelId`; a run
 * that finds the lease taken leaves a rerun note for the holder and ends quietly.
 */
export function deltaJobs(deps: SyncJobDeps): JobDefinition[] {
  const sweepDeps = () => ({ ...deps, queue: deps.queue() });
  return [
    {
      name: "sync-channel",
      // Embedded PGlite runs every query on this one thread, so more syncs at once only overlap
      // Graph round trips, while each NOTIFY wakes (and each idle poll runs) one fetch per slot.
      concurrency: deps.config.databaseUrl ? 4 : 3,
      // One waiting and one running job per channel (singletonKey): a burst of notifications or a
      // sweep on top of them queues one sync, not hundreds.
      policy: "stately",
      // A worker that dies mid-run stops sending heartbeats, so its job is failed and retried within
      // seconds — under the stately policy it would otherwise hold the channel's slot until expiry.
      heartbeatSeconds: 10,
      keepDoneSeconds: 3600,
      handler: async (data) => {
        await runSyncChannelJob(deps, syncChannelJob.parse(data));
      },
    },
    {
      name: "sync-sweep",
      schedule: everyMinutesCron(deps.config.sync.sweepMinutes),
      retryLimit: 1,
      handler: async () => {
        await runSyncSweep(sweepDeps());
      },
    },
    {
      // Queued by every worker process as it starts (catch-up.ts), due a few seconds later: workers
      // starting together find it waiting and queue no second one.
      name: "sync-catch-up",
      runAtStart: { afterSeconds: CATCH_UP_AFTER_START_SECONDS },
      policy: "stately",
      retryLimit: 3,
      handler: async () => {
        await enqueueCatchUp(sweepDeps());
      },
    },
    {
      name: "sync-poll",
      schedule: "* * * * *",
      retryLimit: 1,
      handler: async () => {
        await runSyncPoll(sweepDeps());
        await reapExpiredLeases(sweepDeps());
      },
    },
  ];
}

/**
 * One `sync-channel` job. Throttling (429/503 beyond the client's in-line retries) is not a
 * failure: it is recorded and the job comes back after Retry-After, resuming from the last
 * committed page. Other errors are recorded and the job re-sent with a backoff under its own key. A
 * channel whose grant is gone stops quietly: access-token.ts has marked it needs_reauth.
 * https://learn.microsoft.com/graph/throttling#best-practices-to-handle-throttling
 */
export async function runSyncChannelJob(deps: SyncJobDeps, job: SyncChannelJob): Promise<void> {
  try {
    const result = await syncChannel(deps, job.channelId, job);
    if (!result.skipped && result.rerunPending)
      await sendSyncChannel(deps.queue(), { channelId: job.channelId }, { singletonKey: job.channelId });
  } catch (err) {
    if (err instanceof ChannelNeedsReauth) {
      deps.logger?.info({ channelId: job.channelId }, "sync stopped: the channel needs reauthorization");
      return;
    }
    const ref = await channelRef(deps, job.channelId);
    if (err instanceof GraphError && [429, 503, 504].includes(err.status)) {
      const waitSeconds = Math.ceil(err.retryAfterSeconds ?? DEFAULT_THROTTLE_SECONDS);
      if (ref) {
        await recordSyncError(
          deps.db,
          ref,
          "throttled",
          err.code,
          `${err.message} (retry in ${waitSeconds} s)`,
        );
        await publishHealthChanged(deps.events, ref);
      }
      deps.logger?.warn({ channelId: job.channelId, status: err.status, waitSeconds }, "sync throttled");
      await sendLater(deps, { ...job }, job.channelId, waitSeconds);
      return;
    }
    const safe = withoutSecrets(err);
    if (ref) {
      await recordSyncError(deps.db, ref, "delta", safe.code, safe.message);
      await publishHealthChanged(deps.events, ref);
    }
    // Retried under its own key, not by pg-boss: a retry waiting out its backoff under the channel's
    // key would hold the stately queue's one waiting slot, and notifications meanwhile would be
    // dropped. After MAX_ATTEMPTS the sweep takes over.
    const attempt = (job.attempt ?? 0) + 1;
    if (attempt > MAX_ATTEMPTS) throw safe.error;
    deps.logger?.warn({ channelId: job.channelId, attempt, code: safe.code }, "sync failed; retrying later");
    const data = { channelId: job.channelId, reason: job.reason, attempt };
    await sendLater(deps, data, `retry:${job.channelId}`, Math.min(900, 15 * 2 ** (attempt - 1)));
  }
}

/** The same sync again, `seconds` from now, waiting under `key`. */
function sendLater(deps: SyncJobDeps, job: SyncChannelJob, key: string, seconds: number) {
  return sendSyncChannel(deps.queue(), job, { singletonKey: key, startAfterSeconds: seconds });
}

/**
 * What may be shown and kept of a failed run. A failed query's message lists its parameters —
 * delta links among them, which carry Graph's state tokens — so only its cause's text is kept,
 * in sync health and in the job's stored error alike.
 */
function withoutSecrets(err: unknown): { code: string; message: string; error: unknown } {
  if (err instanceof GraphError) return { code: err.code, message: err.message, error: err };
  if (err instanceof DrizzleQueryError) {
    const cause = err.cause instanceof Error ? err.cause.message : "unknown";
    const message = `Database error: ${cause}`;
    return { code: "database", message, error: new Error(message) };
  }
  if (err instanceof Error) return { code: err.name, message: err.message, error: err };
  return { code: "error", message: String(err), error: err };
}

async function channelRef(deps: SyncDeps, channelId: string) {
  const orgId = await orgOfChannel(deps.db, channelId);
  return orgId ? { orgId, channelId } : undefined;
}
