/**
 * Message mutations. Every one records a change-log event (see `Store.recordChange`), which is
 * what delta queries and change notifications are built on: never edit folder maps directly.
 */
import type {
  FollowupFlag,
  Importance,
  InternetMessageHeader,
  Recipient,
} from "@microsoft/microsoft-graph-types";
import { graphDateTime } from "../clock.ts";
import { bodyPreview } from "./body-preview.ts";
import { requireFolder } from "./folders.ts";
import {
  conversationIndex,
  newAttachmentId,
  newChangeKey,
  newConversationId,
  newInternetMessageId,
  newMessageId,
} from "./ids.ts";
import { buildInternetMessageHeaders } from "./message-headers.ts";
import type { Store } from "./store.ts";
import type { Mailbox, MailFolder, StoredAttachment, StoredMessage } from "./types.ts";

export interface AttachmentInput {
  name: string;
  contentType?: string;
  /** Base64. */
  contentBytes: string;
  isInline?: boolean;
  contentId?: string | null;
}

export interface MessageInput {
  subject?: string;
  body?: { contentType: "text" | "html"; content: string };
  from?: Recipient | null;
  /** Defaults to `from`. */
  sender?: Recipient | null;
  toRecipients?: Recipient[];
  ccRecipients?: Recipient[];
  bccRecipients?: Recipient[];
  replyTo?: Recipient[];
  /** ISO date-times; default to the clock's now. `sentDateTime` defaults to receivedDateTime. */
  receivedDateTime?: string;
  sentDateTime?: string;
  isRead?: boolean;
  isDraft?: boolean;
  importance?: Importance;
  categories?: string[];
  flag?: FollowupFlag;
  inferenceClassification?: "focused" | "other";
  /** Keep the sender's Message-ID for a copy of the same mail; generated when omitted. */
  internetMessageId?: string;
  /** Threading headers: a match with a message already in the mailbox joins its conversation. */
  inReplyTo?: string | null;
  references?: string[];
  /** Extra headers (e.g. `x-` headers set by the sender). */
  internetMessageHeaders?: InternetMessageHeader[];
  attachments?: AttachmentInput[];
}

/** Fields a PATCH (or the emulator itself) may change after creation. */
export type MessagePatch = Partial<
  Pick<
    StoredMessage,
    | "subject"
    | "body"
    | "from"
    | "sender"
    | "toRecipients"
    | "ccRecipients"
    | "bccRecipients"
    | "replyTo"
    | "isRead"
    | "isDraft"
    | "importance"
    | "categories"
    | "flag"
    | "inferenceClassification"
    | "sentDateTime"
    | "receivedDateTime"
    | "internetMessageHeaders"
    | "attachments"
  >
>;

export interface FoundMessage {
  message: StoredMessage;
  folder: MailFolder;
}

/**
 * Puts a new message in a folder of the mailbox, filling ids, conversation (joined when
 * In-Reply-To / References name a message already in this mailbox), preview, headers and times.
 */
export function deliverMessage(
  store: Store,
  mailbox: Mailbox,
  folderRef: string,
  input: MessageInput,
): StoredMessage {
  const folder = requireFolder(mailbox, folderRef);
  const now = store.clock.now();
  const received = input.receivedDateTime ?? graphDateTime(now);
  const sent = input.sentDateTime ?? received;
  const references = input.references ?? (input.inReplyTo ? [input.inReplyTo] : []);
  const parent = findThreadParent(store, mailbox, [input.inReplyTo ?? null, ...references.toReversed()]);
  const body = input.body ?? { contentType: "text", content: "" };
  const attachments = (input.attachments ?? []).map((attachment) => toStoredAttachment(attachment, received));
  const hasAttachments = attachments.some((attachment) => !attachment.isInline);
  const id = newMessageId();
  const sentMs = Date.parse(sent);
  const message: StoredMessage = {
    id,
    createdDateTime: received,
    lastModifiedDateTime: received,
    changeKey: newChangeKey(),
    categories: input.categories ?? [],
    receivedDateTime: received,
    sentDateTime: sent,
    hasAttachments,
    internetMessageId: input.internetMessageId ?? newInternetMessageId(),
    subject: input.subject ?? "",
    bodyPreview: bodyPreview(body),
    importance: input.importance ?? "normal",
    parentFolderId: folder.id,
    conversationId: parent?.conversationId ?? newConversationId(),
    conversationIndex: conversationIndex(sentMs, parent?.conversationIndex),
    isDeliveryReceiptRequested: false,
    isReadReceiptRequested: false,
    isRead: input.isRead ?? false,
    isDraft: input.isDraft ?? false,
    webLink: `https://outlook.office365.com/owa/?ItemID=${encodeURIComponent(id)}&exvsurl=1&viewmodel=ReadMessageItem`,
    inferenceClassification: input.inferenceClassification ?? "focused",
    body,
    from: input.from ?? null,
    sender: input.sender ?? input.from ?? null,
    toRecipients: input.toRecipients ?? [],
    ccRecipients: input.ccRecipients ?? [],
    bccRecipients: input.bccRecipients ?? [],
    replyTo: input.replyTo ?? [],
    flag: input.flag ?? { flagStatus: "notFlagged" },
    internetMessageHeaders: [],
    attachments,
  };
  // Drafts have no transport headers until they are sent.
  message.internetMessageHeaders = message.isDraft
    ? (input.internetMessageHeaders ?? [])
    : buildInternetMessageHeaders({
        internetMessageId: message.internetMessageId,
        inReplyTo: input.inReplyTo ?? null,
        references,
        subject: message.subject,
        sentMs,
        from: message.from,
        toRecipients: message.toRecipients,
        ccRecipients: message.ccRecipients,
        conversationIndex: message.conversationIndex,
        contentType: body.contentType,
        hasAttachments,
        extra: input.internetMessageHeaders ?? [],
      });
  folder.messages.set(id, message);
  const index = store.indexOf(mailbox);
  index.folderOfMessage.set(id, folder.id);
  index.messageByInternetId.set(message.internetMessageId, message);
  store.recordChange(mailbox, "created", id, folder.id);
  return message;
}

/** Applies a patch, bumps changeKey and lastModifiedDateTime, records `updated`. */
export function updateMessage(store: Store, mailbox: Mailbox, messageId: string, patch: MessagePatch) {
  const found = requireMessage(store, mailbox, messageId);
  const { message } = found;
  Object.assign(message, patch);
  if (patch.body) message.bodyPreview = bodyPreview(message.body);
  if (patch.attachments)
    message.hasAttachments = message.attachments.some((attachment) => !attachment.isInline);
  touch(store, message);
  store.recordChange(mailbox, "updated", message.id, found.folder.id);
  return message;
}

/** Moves a message keeping its (immutable) id; records `moved`. Moving to its own folder is a no-op. */
export function moveMessage(store: Store, mailbox: Mailbox, messageId: string, destinationRef: string) {
  const { message, folder } = requireMessage(store, mailbox, messageId);
  const destination = requireFolder(mailbox, destinationRef);
  if (destination.id === folder.id) return message;
  folder.messages.delete(message.id);
  destination.messages.set(message.id, message);
  message.parentFolderId = destination.id;
  touch(store, message);
  store.indexOf(mailbox).folderOfMessage.set(message.id, destination.id);
  store.recordChange(mailbox, "moved", message.id, destination.id, folder.id);
  return message;
}

/**
 * Copies a message into another folder (Graph's `/copy`): a new id, same Message-ID and
 * conversation, fresh changeKey and attachment ids; records `created` in the destination.
 */
export function copyMessage(store: Store, mailbox: Mailbox, messageId: string, destinationRef: string) {
  const { message } = requireMessage(store, mailbox, messageId);
  const destination = requireFolder(mailbox, destinationRef);
  const now = graphDateTime(store.clock.now());
  const copy: StoredMessage = structuredClone(message);
  copy.id = newMessageId();
  copy.parentFolderId = destination.id;
  copy.changeKey = newChangeKey();
  copy.createdDateTime = now;
  copy.lastModifiedDateTime = now;
  copy.webLink = message.webLink.replace(encodeURIComponent(message.id), encodeURIComponent(copy.id));
  for (const attachment of copy.attachments) attachment.id = newAttachmentId();
  destination.messages.set(copy.id, copy);
  store.indexOf(mailbox).folderOfMessage.set(copy.id, destination.id);
  store.recordChange(mailbox, "created", copy.id, destination.id);
  return copy;
}

/** Removes a message for good (Graph's DELETE semantics are the Graph layer's choice); records `deleted`. */
export function deleteMessage(store: Store, mailbox: Mailbox, messageId: string): StoredMessage {
  const { message, folder } = requireMessage(store, mailbox, messageId);
  folder.messages.delete(message.id);
  const index = store.indexOf(mailbox);
  index.folderOfMessage.delete(message.id);
  if (index.messageByInternetId.get(message.internetMessageId) === message) {
    index.messageByInternetId.delete(message.internetMessageId);
  }
  store.recordChange(mailbox, "deleted", message.id, folder.id);
  return message;
}

export function findMessage(store: Store, mailbox: Mailbox, messageId: string): FoundMessage | undefined {
  const folderId = store.indexOf(mailbox).folderOfMessage.get(messageId);
  const folder = folderId === undefined ? undefined : mailbox.folders.get(folderId);
  const message = folder?.messages.get(messageId);
  return folder && message ? { message, folder } : undefined;
}

/** The message in this mailbox with that Message-ID (the latest copy when there are several). */
export function findByInternetMessageId(store: Store, mailbox: Mailbox, internetMessageId: string) {
  return store.indexOf(mailbox).messageByInternetId.get(internetMessageId);
}

function requireMessage(store: Store, mailbox: Mailbox, messageId: string): FoundMessage {
  const found = findMessage(store, mailbox, messageId);
  if (!found) throw new Error(`no message ${messageId} in mailbox ${mailbox.userPrincipalName}`);
  return found;
}

function findThreadParent(store: Store, mailbox: Mailbox, candidates: (string | null)[]) {
  for (const candidate of candidates) {
    const parent = candidate ? findByInternetMessageId(store, mailbox, candidate) : undefined;
    if (parent) return parent;
  }
  return undefined;
}

function touch(store: Store, message: StoredMessage): void {
  message.changeKey = newChangeKey();
  message.lastModifiedDateTime = graphDateTime(store.clock.now());
}

function toStoredAttachment(input: AttachmentInput, at: string): StoredAttachment {
  return {
    "@odata.type": "#microsoft.graph.fileAttachment",
    id: newAttachmentId(),
    name: input.name,
    contentType: input.contentType ?? "application/octet-stream",
    size: Buffer.from(input.contentBytes, "base64").length,
    isInline: input.isInline ?? false,
    contentId: input.contentId ?? null,
    lastModifiedDateTime: at,
    contentBytes: input.contentBytes,
  };
}
