/**
 * A stored message as Graph returns it: `@odata.etag`, the id in the requested form, the default
 * property set (or `$select`), and the body in the preferred content type.
 * `internetMessageHeaders` only when selected. https://learn.microsoft.com/graph/api/resources/message
 */
import { htmlToText } from "../store/body-preview.ts";
import type { StoredMessage } from "../store/types.ts";
import { attachmentView } from "./attachment-view.ts";
import { exposedMessageId } from "./message-ids.ts";

type MessageField = keyof StoredMessage;

/** What Graph returns without `$select` (no internetMessageHeaders, no attachments). */
export const DEFAULT_MESSAGE_FIELDS: readonly MessageField[] = [
  "createdDateTime",
  "lastModifiedDateTime",
  "changeKey",
  "categories",
  "receivedDateTime",
  "sentDateTime",
  "hasAttachments",
  "internetMessageId",
  "subject",
  "bodyPreview",
  "importance",
  "parentFolderId",
  "conversationId",
  "conversationIndex",
  "isDeliveryReceiptRequested",
  "isReadReceiptRequested",
  "isRead",
  "isDraft",
  "webLink",
  "inferenceClassification",
  "body",
  "sender",
  "from",
  "toRecipients",
  "ccRecipients",
  "bccRecipients",
  "replyTo",
  "flag",
];

export const SELECTABLE_MESSAGE_FIELDS: ReadonlySet<string> = new Set<string>([
  "id",
  ...DEFAULT_MESSAGE_FIELDS,
  "internetMessageHeaders",
  "uniqueBody",
]);

/**
 * `$expand=attachments` or `$expand=attachments($select=id,name,…)`: the attachments inline, all
 * their properties (contentBytes included) or only the selected ones (`@odata.type` and `id` always).
 * https://learn.microsoft.com/graph/api/message-get (example "Get a message and expand its attachments")
 */
export interface AttachmentExpand {
  select: string[] | null;
}

export interface MessageViewOptions {
  /** Validated `$select` list, or null for the default set. */
  select: readonly string[] | null;
  immutableIds: boolean;
  bodyType: "text" | "html" | null;
  /** Delta pages carry `@odata.type` on every item. */
  withType?: boolean;
  /** `@odata.context`, written first (a single message's GET). */
  context?: string;
  /** `$expand=attachments`, with its nested `$select` (null: every property, contentBytes too). */
  expand?: AttachmentExpand | null;
}

export function messageView(message: StoredMessage, options: MessageViewOptions): Record<string, unknown> {
  const view: Record<string, unknown> = {};
  if (options.context !== undefined) view["@odata.context"] = options.context;
  if (options.withType) view["@odata.type"] = "#microsoft.graph.message";
  view["@odata.etag"] = `W/"${message.changeKey}"`;
  view.id = exposedMessageId(message.id, message.parentFolderId, options.immutableIds);
  if (options.select === null) {
    addDefaultFields(view, message, options.bodyType);
  } else {
    for (const field of options.select) {
      if (field === "id") continue;
      if (field === "body" || field === "uniqueBody")
        view[field] = convertBody(message.body, options.bodyType);
      else if (field === "internetMessageHeaders") view[field] = visibleHeaders(message);
      else view[field] = message[field as MessageField];
    }
  }
  if (options.expand) view.attachments = expandedAttachments(message, options.expand);
  return view;
}

/**
 * DEFAULT_MESSAGE_FIELDS, in that order, written as named properties. The generic loop's computed
 * keys would turn the object into a slow dictionary past 16 properties (V8's limit for keyed
 * stores), which makes this and JSON.stringify several times slower on every message served.
 * message-view.test.ts checks it matches the list.
 */
function addDefaultFields(
  view: Record<string, unknown>,
  message: StoredMessage,
  bodyType: "text" | "html" | null,
) {
  view.createdDateTime = message.createdDateTime;
  view.lastModifiedDateTime = message.lastModifiedDateTime;
  view.changeKey = message.changeKey;
  view.categories = message.categories;
  view.receivedDateTime = message.receivedDateTime;
  view.sentDateTime = message.sentDateTime;
  view.hasAttachments = message.hasAttachments;
  view.internetMessageId = message.internetMessageId;
  view.subject = message.subject;
  view.bodyPreview = message.bodyPreview;
  view.importance = message.importance;
  view.parentFolderId = message.parentFolderId;
  view.conversationId = message.conversationId;
  view.conversationIndex = message.conversationIndex;
  view.isDeliveryReceiptRequested = message.isDeliveryReceiptRequested;
  view.isReadReceiptRequested = message.isReadReceiptRequested;
  view.isRead = message.isRead;
  view.isDraft = message.isDraft;
  view.webLink = message.webLink;
  view.inferenceClassification = message.inferenceClassification;
  view.body = convertBody(message.body, bodyType);
  view.sender = message.sender;
  view.from = message.from;
  view.toRecipients = message.toRecipients;
  view.ccRecipients = message.ccRecipients;
  view.bccRecipients = message.bccRecipients;
  view.replyTo = message.replyTo;
  view.flag = message.flag;
}

/** Drafts carry no transport headers yet; only the caller's own `x-` headers show. */
function visibleHeaders(message: StoredMessage) {
  if (!message.isDraft) return message.internetMessageHeaders;
  return message.internetMessageHeaders.filter((header) => header.name?.toLowerCase().startsWith("x-"));
}

export function convertBody(
  body: StoredMessage["body"],
  wanted: "text" | "html" | null,
): { contentType: "text" | "html"; content: string } {
  if (!wanted || wanted === body.contentType) return body;
  if (wanted === "text")
    return {
      contentType: "text",
      content: htmlToText(body.content)
        .replace(/[ \t]+\n/g, "\n")
        .trim(),
    };
  const escaped = body.content
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/\r?\n/g, "<br>\r\n");
  return {
    contentType: "html",
    content: `<html><head>\r\n<meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head><body><div>${escaped}</div></body></html>`,
  };
}

function expandedAttachments(message: StoredMessage, expand: AttachmentExpand) {
  return message.attachments.map((attachment) => attachmentView(attachment, expand.select, false));
}
