import type { Db } from "../db/client.ts";
import { sendTimes } from "./outbox-store.ts";

/**
 * Exchange Online's sending limits per mailbox, said before they bite: past 30 messages a minute
 * or 10,000 recipients a day a message is queued with the time it will go, instead of failing.
 * https://learn.microsoft.com/office365/servicedescriptions/exchange-online-service-description/exchange-online-limits#sending-limits
 */
export interface SendingLimits {
  messagesPerMinute: number;
  recipientsPerDay: number;
}

export const EXCHANGE_LIMITS: SendingLimits = { messagesPerMinute: 30, recipientsPerDay: 10_000 };

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/**
 * When a message of `recipients` recipients, due at `due`, may go without passing the limits,
 * counted over the channel's messages sent or on their way. `due` itself when nothing is in the way.
 */
export async function plannedSendTime(
  db: Db,
  channelId: string,
  due: Date,
  recipients: number,
  limits: SendingLimits = EXCHANGE_LIMITS,
): Promise<Date> {
  const times = await sendTimes(db, channelId, new Date(due.getTime() - DAY));
  return planAround(times, due, recipients, limits);
}

/** Pure: the earliest time ≥ due that keeps both windows under their limits. */
export function planAround(
  times: { at: Date; recipients: number }[],
  due: Date,
  recipients: number,
  limits: SendingLimits,
): Date {
  let at = due.getTime();
  for (let guard = 0; guard < 1000; guard++) {
    const lastMinute = times
      .filter((t) => t.at.getTime() > at - MINUTE && t.at.getTime() <= at)
      .sort((a, b) => a.at.getTime() - b.at.getTime());
    if (lastMinute.length >= limits.messagesPerMinute) {
      // Wait until the oldest of the minute's messages leaves the window.
      at = lastMinute[lastMinute.length - limits.messagesPerMinute]!.at.getTime() + MINUTE;
      continue;
    }
    const inDay = times.filter((t) => t.at.getTime() > at - DAY && t.at.getTime() <= at);
    const used = inDay.reduce((sum, t) => sum + t.recipients, 0);
    if (used + recipients > limits.recipientsPerDay && inDay.length > 0) {
      const oldest = inDay.reduce((a, b) => (a.at < b.at ? a : b));
      at = oldest.at.getTime() + DAY;
      continue;
    }
    break;
  }
  return new Date(at);
}
