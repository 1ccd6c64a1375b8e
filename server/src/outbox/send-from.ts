import { aliasesOf, type ChannelRow } from "../channels/channel-store.ts";
import type { Db } from "../db/client.ts";

/**
 * The addresses a mailbox can send from: its primary address and its proxy (SMTP) addresses —
 * the ones Exchange delivers to it and lets it send as (with SendFromAliasEnabled for aliases).
 * `otherMails` (and a UPN that is not a proxy address) are the account's contact addresses, not
 * the mailbox's: shown apart, never offered as From.
 * https://learn.microsoft.com/graph/api/resources/user (proxyAddresses, otherMails) ·
 * https://learn.microsoft.com/exchange/recipients-in-exchange-online/manage-user-mailboxes/add-or-remove-email-addresses
 */
export interface SendFrom {
  choices: { address: string; isPrimary: boolean }[];
  others: string[];
}

export async function sendFromChoices(db: Db, channel: ChannelRow): Promise<SendFrom> {
  const aliases = await aliasesOf(db, channel.orgId, channel.id);
  const choices = aliases
    .filter((a) => a.isPrimary || a.source === "proxyAddresses")
    .map((a) => ({ address: a.address, isPrimary: a.isPrimary }));
  if (!choices.some((c) => c.address.toLowerCase() === channel.email.toLowerCase()))
    choices.unshift({ address: channel.email, isPrimary: choices.every((c) => !c.isPrimary) });
  const chosen = new Set(choices.map((c) => c.address.toLowerCase()));
  const others = aliases.filter((a) => !chosen.has(a.address.toLowerCase())).map((a) => a.address);
  return { choices, others };
}

/** The choice matching `address` (case-insensitively), as Microsoft spells it; undefined if none. */
export function matchChoice(from: SendFrom, address: string): string | undefined {
  return from.choices.find((c) => c.address.toLowerCase() === address.toLowerCase())?.address;
}

/** The address the customer wrote to, when the mailbox can send from it; else the primary. */
export function defaultFrom(from: SendFrom, addressedTo: string[]): string {
  for (const address of addressedTo) {
    const match = matchChoice(from, address);
    if (match) return match;
  }
  return from.choices.find((c) => c.isPrimary)?.address ?? from.choices[0]!.address;
}
