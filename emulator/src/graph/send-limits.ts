/**
 * Exchange Online's sending limits per mailbox, as pure bookkeeping over the mailbox's recent
 * submissions (on the emulator clock):
 * - 500 recipients per message (To, Cc and Bcc together);
 * - 30 messages a minute: "any excess in message submission will be throttled and successively
 *   carried over to the following minutes", so by default a message over the rate is accepted and
 *   leaves later (`defer`); `reject` answers 429 instead, for clients that want to see the limit;
 * - 10,000 recipients a day (the last 24 hours): past it the mailbox can't send until enough of the
 *   day's recipients age out (SMTP reports SubmissionQuotaExceededException).
 * https://learn.microsoft.com/office365/servicedescriptions/exchange-online-service-description/exchange-online-limits
 */
import { z } from "zod";

export const SendingLimitsSchema = z.object({
  recipientsPerMessage: z.number().int().positive(),
  messagesPerMinute: z.number().int().positive(),
  recipientsPerDay: z.number().int().positive(),
  /** Past the message rate: `defer` (Exchange: carried over to the next minutes) or `reject` (429). */
  messageRateExceeded: z.enum(["defer", "reject"]),
});
export type SendingLimits = z.infer<typeof SendingLimitsSchema>;
export const SendingLimitsPatch = SendingLimitsSchema.partial().strict();

export const EXCHANGE_ONLINE_SENDING_LIMITS: SendingLimits = {
  recipientsPerMessage: 500,
  messagesPerMinute: 30,
  recipientsPerDay: 10_000,
  messageRateExceeded: "defer",
};

const MINUTE_MS = 60_000;
export const DAY_MS = 24 * 60 * MINUTE_MS;

/** One submitted message: when it leaves (future for a deferred one) and how many recipients. */
export interface Submission {
  at: number;
  recipients: number;
}

export type SubmissionDecision =
  | { ok: true; at: number }
  | { ok: false; limit: "recipientsPerDay" | "messagesPerMinute"; retryAfterSeconds: number };

/**
 * Admits a message of `recipients` recipients at `now`: it leaves at `at` (now, or later when
 * deferred past the message rate) and is recorded in `log` (kept sorted, pruned to a day).
 */
export function admitSubmission(
  log: Submission[],
  limits: SendingLimits,
  now: number,
  recipients: number,
): SubmissionDecision {
  while (log.length > 0 && log[0]!.at <= now - DAY_MS) log.shift();
  const daily = log.reduce((sum, entry) => sum + entry.recipients, 0);
  if (daily + recipients > limits.recipientsPerDay) {
    let freed = 0;
    let until = now + DAY_MS;
    for (const entry of log) {
      freed += entry.recipients;
      if (daily - freed + recipients <= limits.recipientsPerDay) {
        until = entry.at + DAY_MS;
        break;
      }
    }
    return { ok: false, limit: "recipientsPerDay", retryAfterSeconds: seconds(until - now) };
  }
  // Sliding minute: the message may leave once the limit-th latest submission is a minute old.
  const pivot =
    log.length >= limits.messagesPerMinute ? log[log.length - limits.messagesPerMinute] : undefined;
  const at = pivot ? Math.max(now, pivot.at + MINUTE_MS) : now;
  if (at > now && limits.messageRateExceeded === "reject")
    return { ok: false, limit: "messagesPerMinute", retryAfterSeconds: seconds(at - now) };
  log.push({ at, recipients });
  return { ok: true, at };
}

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));
