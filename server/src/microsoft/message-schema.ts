import type { Message } from "@microsoft/microsoft-graph-types";
import { z } from "zod";

/**
 * What we read of a Graph message, wherever it comes from: a delta page (delta.ts), a folder's
 * message list (list-messages.ts) or a message's attachment list (attachments.ts). One `$select`
 * and one schema, so every path stores the same fields.
 * https://learn.microsoft.com/graph/api/resources/message
 */

/** Everything the store needs, so no per-message GET follows a page. */
export const MESSAGE_FIELDS = [
  "id",
  "conversationId",
  "internetMessageId",
  "subject",
  "from",
  "sender",
  "toRecipients",
  "ccRecipients",
  "bccRecipients",
  "replyTo",
  "receivedDateTime",
  "sentDateTime",
  "isRead",
  "isDraft",
  "body",
  "bodyPreview",
  "hasAttachments",
  "parentFolderId",
  "categories",
  "flag",
  "importance",
  "webLink",
] as const satisfies readonly (keyof Message)[];

/** An attachment's metadata, never its content. https://learn.microsoft.com/graph/api/resources/attachment */
export const ATTACHMENT_FIELDS = "id,name,contentType,size,isInline";

/**
 * The attachment list comes with each message, so no per-message GET is needed for it. `contentId`
 * (the cid: of an inline image) is a property of fileAttachment, not of the base attachment type;
 * OData selects it with a type cast (`microsoft.graph.fileAttachment/contentId`); item and
 * reference attachments simply come without it.
 * https://learn.microsoft.com/graph/api/resources/fileattachment · https://learn.microsoft.com/graph/query-parameters
 */
export const ATTACHMENT_EXPAND = `attachments($select=${ATTACHMENT_FIELDS},microsoft.graph.fileAttachment/contentId)`;

/** Graph documents no maximum page size; 1,000 is the list API's cap and what we ask for. */
export const MAX_PAGE_SIZE = 1000;

const recipient = z.object({
  emailAddress: z.object({ name: z.string().nullish(), address: z.string().nullish() }).nullish(),
});

export const graphAttachment = z.object({
  id: z.string(),
  name: z.string().nullish(),
  contentType: z.string().nullish(),
  size: z.number().nullish(),
  isInline: z.boolean().nullish(),
  contentId: z.string().nullish(),
});
export type GraphAttachment = z.infer<typeof graphAttachment>;

export const graphMessage = z.object({
  id: z.string(),
  conversationId: z.string().nullish(),
  internetMessageId: z.string().nullish(),
  subject: z.string().nullish(),
  from: recipient.nullish(),
  sender: recipient.nullish(),
  toRecipients: z.array(recipient).nullish(),
  ccRecipients: z.array(recipient).nullish(),
  bccRecipients: z.array(recipient).nullish(),
  replyTo: z.array(recipient).nullish(),
  receivedDateTime: z.string().nullish(),
  sentDateTime: z.string().nullish(),
  isRead: z.boolean().nullish(),
  isDraft: z.boolean().nullish(),
  body: z.object({ contentType: z.string().nullish(), content: z.string().nullish() }).nullish(),
  bodyPreview: z.string().nullish(),
  hasAttachments: z.boolean().nullish(),
  parentFolderId: z.string().nullish(),
  categories: z.array(z.string()).nullish(),
  flag: z.object({ flagStatus: z.string().nullish() }).nullish(),
  importance: z.string().nullish(),
  webLink: z.string().nullish(),
  attachments: z.array(graphAttachment).nullish(),
});
export type GraphMessage = z.infer<typeof graphMessage>;

/** Graph reads `$` and `,` literally; keep the rest encoded (spaces, colons, parentheses). */
export function graphQuery(params: URLSearchParams): string {
  return params.toString().replaceAll("%2C", ",").replaceAll("%24", "$").replaceAll("%2F", "/");
}
