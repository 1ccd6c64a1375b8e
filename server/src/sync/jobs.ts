import type { JobDefinition, JobQueue } from "../jobs/queue.ts";
import { backfillJobs } from "./backfill/backfill-jobs.ts";
import { deltaJobs } from "./delta/sync-jobs.ts";
import { subscriptionJobs } from "./subscriptions/subscription-jobs.ts";
import type { SyncDeps } from "./sync-deps.ts";

/**
 * Every job sync runs, from each stage: delta syncs and their safety nets (sweep, poll, lease
 * reaping), subscription upkeep and renewal, and "Sync older mail".
 */
export function syncJobs(deps: SyncDeps & { queue: () => Pick<JobQueue, "send"> }): JobDefinition[] {
  return [...deltaJobs(deps), ...backfillJobs(deps), ...subscriptionJobs(deps)];
}
