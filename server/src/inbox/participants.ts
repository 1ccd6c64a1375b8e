import type { RecentMessage } from "../mail/read-conversations.ts";
import type { MailAddress } from "../mail/stored-json.ts";

/** How many people a conversation item names. */
export const PARTICIPANTS = 5;
/** How many of a thread's latest messages name its participants. */
export const PARTICIPANT_MESSAGES = 3;

/**
 * Who the thread is with: senders of the latest inbound messages and recipients of the latest
 * outbound ones, newest first, without the mailbox itself, each address once.
 */
export function participantsFor(recent: RecentMessage[], mailbox: string): MailAddress[] {
  const seen = new Set<string>([mailbox.toLowerCase()]);
  const people: MailAddress[] = [];
  const add = (person: MailAddress) => {
    const key = person.address.toLowerCase();
    if (seen.has(key) || people.length >= PARTICIPANTS) return;
    seen.add(key);
    people.push(person);
  };
  for (const m of recent) {
    if (m.fromAddress) add({ name: m.fromName, address: m.fromAddress });
    if (m.direction === "outbound") for (const to of m.toRecipients) add(to);
  }
  return people;
}
