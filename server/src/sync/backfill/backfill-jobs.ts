import { ChannelNeedsReauth } from "../../channels/access-token.ts";
import type { JobDefinition, JobQueue } from "../../jobs/queue.ts";
import { GraphError } from "../../microsoft/graph-client.ts";
import { sendBackfill, syncBackfillJob } from "../job-messages.ts";
import { recordSyncError } from "../state/sync-state.ts";
import type { SyncDeps } from "../sync-deps.ts";
import { failBackfill, findBackfill, staleBackfills } from "./backfill-store.ts";
import { runBackfill } from "./run-backfill.ts";

export interface BackfillJobDeps extends SyncDeps {
  queue: () => Pick<JobQueue, "send">;
}

/** A throttled backfill comes back after Graph's Retry-After; without one, after this long. */
const DEFAULT_THROTTLE_SECONDS = 30;

/**
 * `sync-backfill` runs one backfill (run-backfill.ts) to the end; `sync-backfill-resume` picks up running
 * backfills whose worker died (pg-boss also retries a job that failed or expired, and the run
 * resumes from the last stored page either way).
 */
export function backfillJobs(deps: BackfillJobDeps): JobDefinition[] {
  return [
    {
      name: "sync-backfill",
      concurrency: 2,
      handler: async (data, { signal }) => {
        await runBackfillJob(deps, syncBackfillJob.parse(data).backfillId, signal);
      },
    },
    {
      name: "sync-backfill-resume",
      schedule: "*/2 * * * *",
      retryLimit: 1,
      handler: async () => {
        for (const row of await staleBackfills(deps)) {
          deps.logger?.info({ channelId: row.channelId, backfillId: row.id }, "resuming a stalled backfill");
          await sendBackfill(deps.queue(), row);
        }
      },
    },
  ];
}

/**
 * Throttling is not a failure: the job comes back after Retry-After. A Graph refusal that waiting
 * won't fix, or a channel that needs reconnecting, fails the backfill with its reason. Anything
 * else is recorded and rethrown for pg-boss's retries.
 * https://learn.microsoft.com/graph/throttling#best-practices-to-handle-throttling
 */
export async function runBackfillJob(
  deps: BackfillJobDeps,
  backfillId: string,
  signal?: AbortSignal,
): Promise<void> {
  try {
    await runBackfill(deps, backfillId, signal);
  } catch (err) {
    const row = await findBackfill(deps.db, backfillId);
    if (!row) return;
    const ref = { orgId: row.orgId, channelId: row.channelId };
    if (err instanceof ChannelNeedsReauth) {
      await failBackfill(deps, backfillId, "The channel needs to be reconnected");
      return;
    }
    if (err instanceof GraphError && [429, 503, 504].includes(err.status)) {
      const waitSeconds = Math.ceil(err.retryAfterSeconds ?? DEFAULT_THROTTLE_SECONDS);
      await recordSyncError(
        deps.db,
        ref,
        "throttled",
        err.code,
        `${err.message} (backfill retries in ${waitSeconds} s)`,
      );
      await sendBackfill(deps.queue(), row, waitSeconds);
      return;
    }
    const code = err instanceof GraphError ? err.code : err instanceof Error ? err.name : "error";
    const message = err instanceof Error ? err.message : String(err);
    await recordSyncError(deps.db, ref, "backfill", code, message);
    if (isPermanentGraphError(err)) {
      await failBackfill(deps, backfillId, `Microsoft refused the request: ${message}`);
      return;
    }
    deps.logger?.warn({ err, backfillId, channelId: row.channelId }, "backfill page failed; retrying");
    throw err;
  }
}

/** A Graph error the backfill cannot get past by waiting (bad request, no permission…). */
function isPermanentGraphError(err: unknown): err is GraphError {
  return (
    err instanceof GraphError &&
    err.status >= 400 &&
    err.status < 500 &&
    err.status !== 429 &&
    err.status !== 408
  );
}
