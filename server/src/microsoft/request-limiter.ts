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
  /**
   * Takes `weight` slots once and keeps them while `fn` runs: the limiter `fn` gets shares just
   * those among its requests, without taking any more. For back-to-back work (a series of
   * batches) that would otherwise give the slots back and take them again between requests.
   */
  hold<T>(weight: number, fn: (held: RequestLimiter) => Promise<T>): Promise<T>;
}

/**
 * A limiter over `count` slots already held: requests run while the ones in flight weigh no more
 * than `count` together, later ones wait their turn (first come, first served).
 */
export function heldSlots(count: number): RequestLimiter {
  let inUse = 0;
  const waiting: { weight: number; start: () => void }[] = [];
  const admit = () => {
    while (waiting.length > 0 && inUse + waiting[0]!.weight <= count) {
      const next = waiting.shift()!;
      inUse += next.weight;
      next.start();
    }
  };
  const limiter: RequestLimiter = {
    async run(fn, weight = 1) {
      const w = Math.max(1, Math.min(weight, count));
      await new Promise<void>((start) => {
        waiting.push({ weight: w, start });
        admit();
      });
      try {
        return await fn();
      } finally {
        inUse -= w;
        admit();
      }
    },
    hold: (weight, fn) => limiter.run(() => fn(heldSlots(Math.min(weight, count))), weight),
  };
  return limiter;
}
