/**
 * Who a message is from, as Exchange decides it when the message is sent:
 * - no `from`, or the primary address: the mailbox itself;
 * - one of the mailbox's own aliases (an `smtp:` proxy address): kept when the tenant has
 *   SendFromAliasEnabled, else rewritten to the primary address (the recipient and the Sent Items
 *   copy both see the primary);
 * - any other address: needs a Send As grant (`from` = `sender` = that address) or Send on
 *   Behalf (`from` = that address, `sender` = the mailbox); without one, 403 ErrorSendAsDenied
 *   with the text of the send-mail-from-other-user page's example.
 * https://learn.microsoft.com/graph/outlook-send-mail-from-other-user,
 * https://learn.microsoft.com/exchange/recipients-in-exchange-online/manage-user-mailboxes/add-or-remove-email-addresses (SendFromAliasEnabled)
 */
import type { Recipient } from "@microsoft/microsoft-graph-types";
import { smtpAddresses } from "../store/store.ts";
import type { Mailbox, Tenant } from "../store/types.ts";
import { InputError } from "./message-input.ts";

export const SEND_AS_DENIED =
  "The user account which was used to submit this request does not have the right to send mail on behalf of the specified sending account. Cannot submit message.";

export interface Senders {
  from: Recipient;
  sender: Recipient;
}

/**
 * `nameOf(address)`: the display name of another emulated mailbox receiving at that address
 * (a shared mailbox granted to this one), shown when the request names none.
 */
export function resolveSenders(
  mailbox: Mailbox,
  tenant: Pick<Tenant, "sendFromAliasEnabled"> | undefined,
  requested: Recipient | null | undefined,
  nameOf: (address: string) => string | undefined = () => undefined,
): Senders {
  const me: Recipient = { emailAddress: { name: mailbox.displayName, address: mailbox.mail } };
  const written = requested?.emailAddress?.address?.trim();
  const address = written?.toLowerCase();
  if (!written || !address || address === mailbox.mail.toLowerCase()) return { from: me, sender: me };
  // A name equal to the address is no name (the JSON mapping fills a missing name with the address).
  const given = requested?.emailAddress?.name;
  const named = (fallback: string): Recipient => ({
    emailAddress: { name: given && given.toLowerCase() !== address ? given : fallback, address: written },
  });
  if (smtpAddresses(mailbox).includes(address)) {
    if (!tenant?.sendFromAliasEnabled) return { from: me, sender: me };
    const alias = named(mailbox.displayName);
    return { from: alias, sender: alias };
  }
  const grant = mailbox.sendAs.find((candidate) => candidate.address === address);
  if (!grant) throw new InputError(403, "ErrorSendAsDenied", SEND_AS_DENIED);
  const other = named(nameOf(address) ?? written);
  return grant.onBehalf ? { from: other, sender: me } : { from: other, sender: other };
}
