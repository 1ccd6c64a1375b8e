/**
 * Tunables of the change-notification service. Defaults follow Microsoft's documentation; tests
 * shorten the real-time ones (validation and delivery timeouts). Change them in-process with
 * `notificationRuntime(ctx).settings` or over HTTP with `PATCH /_emulator/notifications/settings`.
 */
import { z } from "zod";

export const SettingsSchema = z.object({
  /**
   * Graph only accepts https notification URLs. Local receivers (Mailroom in development) usually
   * listen on plain http, so the emulator accepts `http:` too unless this is turned off.
   */
  allowHttpNotificationUrl: z.boolean(),
  /** Real ms the receiver has to answer the validation request (Graph: 10 s). */
  validationTimeoutMs: z.number().int().positive(),
  /** Real ms the receiver has to answer a notification POST with 2xx (Graph: 3 s). */
  deliveryTimeoutMs: z.number().int().positive(),
  /** Longest subscription lifetime for Outlook messages: 10,080 now; 4,230 on older servers. */
  maxExpirationMinutes: z.number().int().positive(),
  /** Active subscriptions per mailbox across all apps (Graph: 1,000). */
  maxSubscriptionsPerMailbox: z.number().int().positive(),
  /** First retry wait (virtual ms); doubles per attempt up to retryMaxDelayMs. */
  retryBaseDelayMs: z.number().int().positive(),
  retryMaxDelayMs: z.number().int().positive(),
  /** How long a failing notification is retried before it is dropped (Graph: 4 hours). */
  retryWindowMs: z.number().int().positive(),
  /** Most notifications in one POST's `value` array. */
  maxBatchSize: z.number().int().positive(),
  /** Concurrent POSTs per notification URL. */
  maxInFlightPerUrl: z.number().int().positive(),
  /**
   * Challenge with reauthorizationRequired before the access token behind a subscription expires,
   * and pause delivery once it has (only for subscriptions with a lifecycleNotificationUrl).
   */
  reauthorizeOnTokenExpiry: z.boolean(),
  /** How long before the token's expiry the challenge is sent (virtual ms). */
  reauthorizationLeadMs: z.number().int().nonnegative(),
});

export type NotificationSettings = z.infer<typeof SettingsSchema>;

export const SettingsPatchSchema = SettingsSchema.partial().strict();

export function defaultSettings(): NotificationSettings {
  return {
    allowHttpNotificationUrl: true,
    validationTimeoutMs: 10_000,
    deliveryTimeoutMs: 3_000,
    maxExpirationMinutes: 10_080,
    maxSubscriptionsPerMailbox: 1_000,
    retryBaseDelayMs: 10_000,
    retryMaxDelayMs: 30 * 60_000,
    retryWindowMs: 4 * 60 * 60_000,
    maxBatchSize: 100,
    maxInFlightPerUrl: 2,
    reauthorizeOnTokenExpiry: true,
    reauthorizationLeadMs: 15 * 60_000,
  };
}
