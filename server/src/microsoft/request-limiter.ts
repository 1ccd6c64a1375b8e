/**
 * Limits how many Graph requests run at once for one mailbox. Outlook allows 4 concurrent requests
 * per app per mailbox and answers the fifth with 429 (a batch's items count one each), so every
 * request for a channel goes through one of these — across the whole cluster, not per process.
 * https://learn.microsoft.com/graph/throttling-limits#outlook-service-limits
 * The implementation lives with channels (channels/graph-slots.ts): it needs the database.
 */
export interface RequestLimiter {
  /** Runs `fn` while holding `weight` (default 1) of the mailbox's request slots. */
  run<T>(fn: () => Promise<T>, weight?: number): Promise<T>;
}
