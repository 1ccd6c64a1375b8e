/**
 * Outlook's per-app-per-mailbox limits, as pure bookkeeping: at most 4 concurrent requests and
 * 10,000 requests per 10 minutes (https://learn.microsoft.com/graph/throttling-limits#outlook-service-limits).
 * Beyond either, Graph answers 429 `ApplicationThrottled` with a Retry-After in seconds.
 */
import { z } from "zod";

export const ThrottleConfigSchema = z.object({
  /** Off: every request is admitted (benchmarks, or tests that don't care). */
  enabled: z.boolean(),
  /** Concurrent requests per app per mailbox (Outlook: 4). */
  maxConcurrent: z.number().int().positive(),
  /** Requests per window per app per mailbox (Outlook: 10,000). */
  requestsPerWindow: z.number().int().positive(),
  /** Window length in seconds (Outlook: 600). */
  windowSeconds: z.number().positive(),
  /** Retry-After sent when over the concurrency limit (seconds, may be fractional). */
  concurrencyRetryAfterSeconds: z.number().nonnegative(),
});
export type ThrottleConfig = z.infer<typeof ThrottleConfigSchema>;
export const ThrottleOptionsSchema = ThrottleConfigSchema.partial().strict();
export type ThrottleOptions = z.infer<typeof ThrottleOptionsSchema>;

export const OUTLOOK_LIMITS: ThrottleConfig = {
  enabled: true,
  maxConcurrent: 4,
  requestsPerWindow: 10_000,
  windowSeconds: 600,
  concurrencyRetryAfterSeconds: 1,
};

/** Observed wording for the concurrency limit; Graph publishes no text for the request budget. */
export const THROTTLE_MESSAGES = {
  concurrency: "Application is over its MailboxConcurrency limit.",
  budget: "Application is over its MailboxRequestRate limit.",
} as const;

export interface Usage {
  appId: string;
  mailboxId: string;
  inFlight: number;
  windowStart: number;
  requestsInWindow: number;
}

export type Admission =
  | { ok: true; release: () => void }
  | { ok: false; limit: keyof typeof THROTTLE_MESSAGES; retryAfterSeconds: number };

/** Admits one request for (app, mailbox) at `now` (epoch ms), or says which limit it hit. */
export function admit(
  usages: Map<string, Usage>,
  config: ThrottleConfig,
  appId: string,
  mailboxId: string,
  now: number,
): Admission {
  const key = `${appId}|${mailboxId}`;
  let usage = usages.get(key);
  const windowMs = config.windowSeconds * 1000;
  if (!usage) {
    usage = { appId, mailboxId, inFlight: 0, windowStart: now, requestsInWindow: 0 };
    usages.set(key, usage);
  } else if (now >= usage.windowStart + windowMs) {
    usage.windowStart = now;
    usage.requestsInWindow = 0;
  }
  if (usage.requestsInWindow >= config.requestsPerWindow) {
    const waitMs = usage.windowStart + windowMs - now;
    return { ok: false, limit: "budget", retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
  }
  if (usage.inFlight >= config.maxConcurrent) {
    return { ok: false, limit: "concurrency", retryAfterSeconds: config.concurrencyRetryAfterSeconds };
  }
  usage.inFlight++;
  usage.requestsInWindow++;
  const held = usage;
  let released = false;
  return {
    ok: true,
    release: () => {
      if (released) return;
      released = true;
      held.inFlight--;
    },
  };
}
