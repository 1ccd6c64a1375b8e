import type { Auth } from "../accounts/auth.ts";
import type { AccessTokenDeps } from "../channels/access-token.ts";
import type { Database } from "../db/client.ts";
import type { JobQueue } from "../jobs/queue.ts";
import type { Logger } from "../log.ts";

/** What the outbox runs with: the channel's tokens (config, db, box, events) and the queue. */
export interface OutboxDeps extends AccessTokenDeps {
  logger?: Logger;
  /** The job queue, once started: sends and their follow-ups are jobs. */
  queue: () => Pick<JobQueue, "send">;
}

/** What the outbox's HTTP routes run with: the member's session, the database and the started queue. */
export interface OutboxRoutesOptions extends Omit<OutboxDeps, "queue"> {
  auth: Auth;
  database: Database;
  queue: JobQueue;
}
