/**
 * Handing a message to transport: what Exchange does after the `202 Accepted` of send, sendMail,
 * reply and forward. The per-message limits (recipients, size) are checked first (`checkSendable`,
 * 400s), then the mailbox's submission quota (`submit`: 429 past the day's recipients); then the
 * message gets its final headers, moves to Sent Items and is delivered — at once, or, past the
 * message rate, from the Outbox once the rate allows ("carried over to the following minutes").
 * https://learn.microsoft.com/graph/outlook-things-to-know-about-send-mail,
 * https://learn.microsoft.com/office365/servicedescriptions/exchange-online-service-description/exchange-online-limits
 */
import type { Recipient } from "@microsoft/microsoft-graph-types";
import { graphDateTime } from "../clock.ts";
import { buildInternetMessageHeaders } from "../store/message-headers.ts";
import { deleteMessage, findMessage, moveMessage, updateMessage } from "../store/messages.ts";
import type { Store } from "../store/store.ts";
import type { Mailbox, StoredMessage } from "../store/types.ts";
import { type Threading, transmit } from "./deliver.ts";
import { InputError } from "./message-input.ts";
import { checkMessageSize, type SizedMessage } from "./message-size.ts";
import { graphRuntime } from "./runtime.ts";
import type { Senders } from "./send-as.ts";
import { admitSubmission } from "./send-limits.ts";

/** ErrorSubmissionQuotaExceeded as Exchange describes it (EWS ResponseCodeType). */
export const SUBMISSION_QUOTA_EXCEEDED =
  "The message couldn't be sent because the sender's submission quota was exceeded. Please try again later.";

export interface Outgoing {
  senders: Senders;
  threading: Threading;
  saveToSentItems: boolean;
}

interface Addressed {
  toRecipients: Recipient[];
  ccRecipients: Recipient[];
  bccRecipients: Recipient[];
}

export const recipientCount = (message: Addressed): number =>
  message.toRecipients.length + message.ccRecipients.length + message.bccRecipients.length;

/** The 400s Exchange answers before anything leaves: no recipients, too many, too large. */
export function checkSendable(store: Store, mailbox: Mailbox, message: Addressed & SizedMessage): void {
  const count = recipientCount(message);
  if (count === 0)
    throw new InputError(
      400,
      "ErrorInvalidRecipients",
      "At least one recipient isn't valid., A message can't be sent because it contains no recipients.",
    );
  const limit = graphRuntime(store).sending.limits.recipientsPerMessage;
  // Graph documents no code for this limit; ErrorExceededMaxRecipientLimit is the EWS code that
  // names it ("recipients number … has exceeded the limit").
  if (count > limit)
    throw new InputError(
      400,
      "ErrorExceededMaxRecipientLimit",
      `The message has ${count} recipients; at most ${limit} (To, Cc and Bcc together) are allowed.`,
    );
  checkMessageSize(store, mailbox, message);
}

/** Submits a message of the mailbox (a draft, or sendMail's new one): now, or held in the Outbox. */
export function submit(store: Store, mailbox: Mailbox, message: StoredMessage, outgoing: Outgoing): void {
  const sending = graphRuntime(store).sending;
  let log = sending.submissions.get(mailbox.id);
  if (!log) {
    log = [];
    sending.submissions.set(mailbox.id, log);
  }
  const now = store.clock.now();
  const decision = admitSubmission(log, sending.limits, now, recipientCount(message));
  if (!decision.ok)
    throw new InputError(
      429,
      "ErrorSubmissionQuotaExceeded",
      SUBMISSION_QUOTA_EXCEEDED,
      decision.retryAfterSeconds,
    );
  if (decision.at <= now) {
    complete(store, mailbox, message.id, outgoing);
    return;
  }
  const { from, sender } = outgoing.senders;
  updateMessage(store, mailbox, message.id, { isDraft: false, isRead: true, from, sender });
  moveMessage(store, mailbox, message.id, "outbox");
  const cancel = store.clock.schedule(decision.at, () => {
    sending.deferred.delete(message.id);
    complete(store, mailbox, message.id, outgoing);
  });
  sending.deferred.set(message.id, { messageId: message.id, mailboxId: mailbox.id, at: decision.at, cancel });
}

/** Final headers, Sent Items (or nowhere with saveToSentItems false), delivery. */
function complete(store: Store, mailbox: Mailbox, messageId: string, outgoing: Outgoing): void {
  const found = findMessage(store, mailbox, messageId);
  if (!found) return; // deleted from the Outbox before it left
  const { message } = found;
  const { from, sender } = outgoing.senders;
  const now = store.clock.now();
  const sentAt = graphDateTime(now);
  const headers = buildInternetMessageHeaders({
    internetMessageId: message.internetMessageId,
    inReplyTo: outgoing.threading.inReplyTo,
    references: outgoing.threading.references,
    subject: message.subject,
    sentMs: now,
    from,
    sender,
    toRecipients: message.toRecipients,
    ccRecipients: message.ccRecipients,
    conversationIndex: message.conversationIndex,
    contentType: message.body.contentType,
    hasAttachments: message.hasAttachments,
    extra: message.internetMessageHeaders.filter((header) => header.name?.toLowerCase().startsWith("x-")),
  });
  updateMessage(store, mailbox, messageId, {
    isDraft: false,
    isRead: true,
    from,
    sender,
    sentDateTime: sentAt,
    receivedDateTime: sentAt,
    internetMessageHeaders: headers,
  });
  const sent = moveMessage(store, mailbox, messageId, "sentitems");
  transmit(store, mailbox, sent, outgoing.threading);
  if (!outgoing.saveToSentItems) deleteMessage(store, mailbox, messageId);
}
