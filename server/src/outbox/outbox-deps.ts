import type { AccessTokenDeps } from "../channels/access-token.ts";
import type { JobQueue } from "../jobs/queue.ts";
import type { Logger } from "../log.ts";

/** What the outbox runs with: the channel's tokens (config, db, box, events) and the queue. */
export interface OutboxDeps extends AccessTokenDeps {
  logger?: Logger;
  /** The job queue, once started: sends and their follow-ups are jobs. */
  queue: () => Pick<JobQueue, "send">;
}
