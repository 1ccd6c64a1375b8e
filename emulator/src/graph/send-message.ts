/**
 * Sending a draft (POST /messages/{id}/send: the draft keeps its immutable id, as the
 * immutable-id page's "Immutable ID with sending mail" relies on) and sendMail (a new message,
 * created in Drafts first as the send-mail walkthrough describes, then submitted; with
 * `saveToSentItems: false` it is not kept).
 * https://learn.microsoft.com/graph/api/message-send, https://learn.microsoft.com/graph/api/user-sendmail,
 * https://learn.microsoft.com/graph/outlook-immutable-id
 */
import type { Recipient } from "@microsoft/microsoft-graph-types";
import { headerValue } from "../store/message-headers.ts";
import { deleteMessage, deliverMessage } from "../store/messages.ts";
import type { Store } from "../store/store.ts";
import type { Mailbox, StoredMessage } from "../store/types.ts";
import type { Threading } from "./deliver.ts";
import { InputError, type MessageJson, toDraftInput } from "./message-input.ts";
import { resolveSenders, type Senders } from "./send-as.ts";
import { checkSendable, submit } from "./submit.ts";

function sendersFor(store: Store, mailbox: Mailbox, requested: Recipient | null | undefined): Senders {
  return resolveSenders(
    mailbox,
    store.state.tenants.get(mailbox.tenantId),
    requested,
    (address) => store.mailboxByAddress(address)?.displayName,
  );
}

/** A reply draft's hidden In-Reply-To/References (see reply-draft.ts); none for new mail. */
function threadingOf(draft: StoredMessage): Threading {
  const references = (headerValue(draft.internetMessageHeaders, "References") ?? "")
    .split(/\s+/)
    .filter(Boolean);
  return { inReplyTo: headerValue(draft.internetMessageHeaders, "In-Reply-To") ?? null, references };
}

export function sendDraft(store: Store, mailbox: Mailbox, draft: StoredMessage): void {
  if (!draft.isDraft) throw new InputError(400, "ErrorInvalidRequest", "Only draft messages can be sent.");
  checkSendable(store, mailbox, draft);
  const senders = sendersFor(store, mailbox, draft.from);
  submit(store, mailbox, draft, { senders, threading: threadingOf(draft), saveToSentItems: true });
}

export function sendMail(store: Store, mailbox: Mailbox, json: MessageJson, saveToSentItems: boolean): void {
  const input = toDraftInput(json);
  const attachments = input.attachments ?? [];
  checkSendable(store, mailbox, {
    toRecipients: input.toRecipients ?? [],
    ccRecipients: input.ccRecipients ?? [],
    bccRecipients: input.bccRecipients ?? [],
    subject: input.subject ?? "",
    body: input.body ?? { content: "" },
    attachments: attachments.map((attachment) => ({
      size: Buffer.byteLength(attachment.contentBytes, "base64"),
    })),
  });
  const senders = sendersFor(store, mailbox, input.from);
  const draft = deliverMessage(store, mailbox, "drafts", input);
  try {
    submit(store, mailbox, draft, {
      senders,
      threading: { inReplyTo: null, references: [] },
      saveToSentItems,
    });
  } catch (error) {
    deleteMessage(store, mailbox, draft.id);
    throw error;
  }
}
