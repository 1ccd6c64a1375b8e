import type { AccessTokenDeps } from "../channels/access-token.ts";
import type { JobQueue } from "../jobs/queue.ts";
import type { Logger } from "../log.ts";

/**
 * What every sync stage runs with (a leaf: each stage imports it, it imports no stage). The
 * channel's tokens and Graph client come from channels/ (config, db, box, events); jobs that follow
 * up later (catch-up syncs, retries) go to the queue once it runs.
 */
export interface SyncDeps extends AccessTokenDeps {
  logger?: Logger;
  /** Who holds the lease (tests name two workers); a random id by default. */
  workerId?: string;
  /** The job queue, once started: work that follows up later (catch-up syncs, retries) is sent there. */
  queue?: () => Pick<JobQueue, "send">;
}

/** The channel a piece of sync work is about, with its org (every record and event is org-scoped). */
export interface ChannelRef {
  orgId: string;
  channelId: string;
}
