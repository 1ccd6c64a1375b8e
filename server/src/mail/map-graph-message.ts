import type { GraphMessage } from "../microsoft/message-schema.ts";
import type { FollowedFolder } from "./folders.ts";
import type { messages } from "./schema.ts";
import type { AttachmentInfo, MailAddress } from "./stored-json.ts";

type Recipient = NonNullable<GraphMessage["from"]>;

/** The message columns that come from Graph; the store adds org, channel and conversation. */
export type MappedMessage = Omit<
  typeof messages.$inferInsert,
  "id" | "orgId" | "channelId" | "conversationId" | "createdAt" | "updatedAt"
> & {
  /** Graph's thread id; a message without one is a thread of its own. */
  graphConversationId: string;
};

/**
 * A Graph message in a followed folder → the row we keep. Pure, so it is tested with the example
 * message Microsoft documents (https://learn.microsoft.com/graph/api/message-get). What sits in
 * Sent Items was written by the mailbox, hence outbound (ADR 009).
 */
export function mapGraphMessage(message: GraphMessage, folder: FollowedFolder): MappedMessage {
  const from = message.from ?? message.sender;
  return {
    graphConversationId: message.conversationId || message.id,
    graphId: message.id,
    internetMessageId: message.internetMessageId ?? null,
    folder,
    direction: folder === "sentitems" ? "outbound" : "inbound",
    fromAddress: from?.emailAddress?.address ?? null,
    fromName: from?.emailAddress?.name ?? null,
    toRecipients: addresses(message.toRecipients),
    ccRecipients: addresses(message.ccRecipients),
    bccRecipients: addresses(message.bccRecipients),
    replyTo: addresses(message.replyTo),
    subject: message.subject ?? "",
    bodyPreview: message.bodyPreview ?? "",
    bodyContentType: message.body?.contentType?.toLowerCase() === "html" ? "html" : "text",
    bodyContent: message.body?.content ?? "",
    receivedAt: parseDate(message.receivedDateTime),
    sentAt: parseDate(message.sentDateTime),
    isRead: message.isRead ?? false,
    hasAttachments: message.hasAttachments ?? false,
    categories: message.categories ?? [],
    webLink: message.webLink ?? null,
    attachments: attachmentList(message.attachments),
    // Present again in a followed folder: a message moved back into the Inbox is live again.
    removedAt: null,
  };
}

/**
 * The expanded attachment list, or null when the page did not carry one (the store then keeps
 * what it knew). Graph's `size` is the attachment's size in bytes.
 * https://learn.microsoft.com/graph/api/resources/attachment
 */
function attachmentList(list: GraphMessage["attachments"]): AttachmentInfo[] | null {
  if (!list) return null;
  return list.map((a) => ({
    id: a.id,
    name: a.name ?? "",
    contentType: a.contentType ?? null,
    size: a.size ?? 0,
    isInline: a.isInline ?? false,
    contentId: a.contentId ?? null,
  }));
}

/** Graph may omit the name or send an empty address for undisclosed recipients: keep real ones. */
function addresses(list: Recipient[] | null | undefined): MailAddress[] {
  return (list ?? []).flatMap((r) =>
    r.emailAddress?.address ? [{ name: r.emailAddress.name ?? null, address: r.emailAddress.address }] : [],
  );
}

/** Graph sends ISO 8601 in UTC (`2018-09-09T03:15:08Z`); anything unparsable becomes null. */
function parseDate(value: string | null | undefined): Date | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}
