/**
 * Mail transport between emulated mailboxes: a sent message is copied into the Inbox of every
 * emulated mailbox that receives at one of its recipient addresses (aliases included), with the
 * sender's Message-ID and In-Reply-To/References so each recipient's conversation threads like
 * Exchange's; every other address goes to the external sink (`GET /_emulator/outbound`).
 * Bcc recipients get a copy but are not shown to anyone else.
 */
import type { InternetMessageHeader, Recipient } from "@microsoft/microsoft-graph-types";
import { graphDateTime } from "../clock.ts";
import { deliverMessage } from "../store/messages.ts";
import type { Store } from "../store/store.ts";
import type { Mailbox, StoredMessage } from "../store/types.ts";
import { graphRuntime } from "./runtime.ts";

export interface Threading {
  inReplyTo: string | null;
  references: string[];
}

const addressOf = (recipient: Recipient) => recipient.emailAddress?.address?.toLowerCase() ?? "";

/** Delivers `sent` (already final: Message-ID, from, sentDateTime) from `sender` to its recipients. */
export function transmit(store: Store, sender: Mailbox, sent: StoredMessage, threading: Threading): void {
  const everyone = [...sent.toRecipients, ...sent.ccRecipients, ...sent.bccRecipients];
  const internal = new Map<string, Mailbox>();
  const external: string[] = [];
  for (const address of new Set(everyone.map(addressOf).filter(Boolean))) {
    const mailbox = store.mailboxByAddress(address);
    if (mailbox) internal.set(mailbox.id, mailbox);
    else external.push(address);
  }
  const xHeaders: InternetMessageHeader[] = sent.internetMessageHeaders.filter((h) =>
    h.name?.toLowerCase().startsWith("x-"),
  );
  for (const mailbox of internal.values()) {
    deliverMessage(store, mailbox, "inbox", {
      subject: sent.subject,
      body: sent.body,
      from: sent.from,
      sender: sent.sender,
      toRecipients: sent.toRecipients,
      ccRecipients: sent.ccRecipients,
      replyTo: sent.replyTo,
      importance: sent.importance,
      sentDateTime: sent.sentDateTime,
      receivedDateTime: graphDateTime(store.clock.now()),
      internetMessageId: sent.internetMessageId,
      inReplyTo: threading.inReplyTo,
      references: threading.references,
      internetMessageHeaders: xHeaders,
      attachments: sent.attachments.map(({ name, contentType, contentBytes, isInline, contentId }) => ({
        name,
        contentType,
        contentBytes,
        isInline,
        contentId,
      })),
    });
  }
  if (external.length > 0) recordOutbound(store, sender, sent, threading, external);
}

function recordOutbound(
  store: Store,
  sender: Mailbox,
  sent: StoredMessage,
  threading: Threading,
  recipients: string[],
) {
  const plain = (list: Recipient[]) => list.map(addressOf);
  graphRuntime(store).outbound.push({
    id: `${sent.internetMessageId}|${recipients.join(",")}`,
    sentDateTime: sent.sentDateTime,
    fromMailboxId: sender.id,
    from: {
      name: sent.from?.emailAddress?.name ?? sender.displayName,
      address: sent.from?.emailAddress?.address ?? sender.mail,
    },
    to: plain(sent.toRecipients),
    cc: plain(sent.ccRecipients),
    bcc: plain(sent.bccRecipients),
    recipients,
    subject: sent.subject,
    body: sent.body,
    internetMessageId: sent.internetMessageId,
    inReplyTo: threading.inReplyTo,
    references: threading.references,
    attachments: sent.attachments.map(({ name, contentType, size, isInline }) => ({
      name,
      contentType,
      size,
      isInline,
    })),
    internetMessageHeaders: sent.internetMessageHeaders.map((h) => ({
      name: h.name ?? "",
      value: h.value ?? "",
    })),
  });
}
