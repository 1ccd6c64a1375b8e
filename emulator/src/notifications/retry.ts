/**
 * When to try a failed notification again. Graph retries "multiple times, for up to 4 hours" and then
 * discards it (https://learn.microsoft.com/graph/change-notifications-delivery-webhooks#processing-the-change-notification);
 * the schedule itself is not documented: exponential backoff from retryBaseDelayMs, capped.
 */

export interface RetryPolicy {
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  retryWindowMs: number;
}

/** Wait before attempt number `attempts + 1` (attempts ≥ 1 already failed). */
export function retryDelay(attempts: number, policy: RetryPolicy): number {
  const exponent = Math.max(0, attempts - 1);
  return Math.min(policy.retryMaxDelayMs, policy.retryBaseDelayMs * 2 ** Math.min(exponent, 30));
}

/** The virtual time of the next attempt, or null when it would fall outside the retry window. */
export function nextAttemptAt(firstQueuedAt: number, attempts: number, nowMs: number, policy: RetryPolicy) {
  const at = nowMs + retryDelay(attempts, policy);
  return at <= firstQueuedAt + policy.retryWindowMs ? at : null;
}
