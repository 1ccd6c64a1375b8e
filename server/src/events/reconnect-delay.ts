/** The first reconnect waits about this long; each failed attempt doubles it… */
export const FIRST_RECONNECT_MS = 500;
/** …up to this, so a long outage costs one attempt per half minute per process. */
export const MAX_RECONNECT_MS = 30_000;

/**
 * How long to wait before reconnect attempt `attempt` (1 for the first): exponential from
 * FIRST_RECONNECT_MS, capped at MAX_RECONNECT_MS, spread ±20% so the processes that lost Postgres
 * together don't all come back in the same instant.
 */
export function reconnectDelayMs(attempt: number, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(attempt, 1) - 1, 16);
  const base = Math.min(MAX_RECONNECT_MS, FIRST_RECONNECT_MS * 2 ** exponent);
  return Math.round(base * (0.8 + 0.4 * random()));
}
