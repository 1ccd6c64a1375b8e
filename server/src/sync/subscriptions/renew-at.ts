/**
 * When a subscription is renewed, as a pure function of its lifetime. Graph lets a mail
 * subscription live a few days; renewing it at a random point in the second half of that spreads
 * channels connected together over hours, and leaves a quarter of the lifetime for a renewal that
 * fails to be tried again.
 * https://learn.microsoft.com/graph/change-notifications-overview#subscription-lifetime
 */

/** A failed renewal or recreate is tried again after this long (the renewal job runs every 5 min). */
export const RENEWAL_RETRY_MS = 4 * 60_000;

/**
 * When to renew a subscription that runs from `from` to `expiresAt`: a random point between 50 %
 * and 75 % of its lifetime. Channels connected together then renew at different times, and every
 * renewal has a quarter of the lifetime (days, for mail) to succeed before the subscription lapses.
 */
export function renewAtFor(from: Date, expiresAt: Date, random = Math.random()): Date {
  const lifetime = Math.max(0, expiresAt.getTime() - from.getTime());
  return new Date(from.getTime() + lifetime * (0.5 + 0.25 * random));
}
