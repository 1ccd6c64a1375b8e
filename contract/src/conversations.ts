import { z } from "zod";
import { defineRoute } from "./route.ts";
import { isoDateTime } from "./scalars.ts";

/** The inbox's reading API. Our ids only, never Graph's. */

export const person = z.object({ name: z.string().nullable(), address: z.string() });
export type Person = z.infer<typeof person>;

const channelRef = z.object({ id: z.string(), email: z.string(), name: z.string() });

/** Mailroom's own state of a conversation (Outlook has none): open until an agent closes it. */
export const conversationStatus = z.enum(["open", "closed"]);
export type ConversationStatus = z.infer<typeof conversationStatus>;

export const conversationItem = z.object({
  id: z.string(),
  subject: z.string(),
  snippet: z.string(),
  lastMessageAt: isoDateTime,
  messageCount: z.number().int(),
  unreadCount: z.number().int(),
  status: conversationStatus,
  channel: channelRef,
  participants: z.array(person),
  hasAttachments: z.boolean(),
});
export type ConversationItem = z.infer<typeof conversationItem>;

/** A channel behind the listed inboxes, and whether its first import still runs. */
export const channelImport = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  status: z.string(),
  /** The first import (the last days of mail) has not finished yet. */
  importing: z.boolean(),
});
export type ChannelImport = z.infer<typeof channelImport>;

export const conversationPage = z.object({
  conversations: z.array(conversationItem),
  nextCursor: z.string().nullable(),
  /** First pages only: the channels behind this view (the empty and importing states). */
  channels: z.array(channelImport).optional(),
});
export type ConversationPage = z.infer<typeof conversationPage>;

export const attachment = z.object({
  /** Ours, opaque (a digest of Graph's id), for the download URL. */
  id: z.string(),
  name: z.string(),
  contentType: z.string().nullable(),
  size: z.number(),
  isInline: z.boolean(),
});
export type Attachment = z.infer<typeof attachment>;

export const message = z.object({
  id: z.string(),
  /** inbound | outbound */
  direction: z.string(),
  from: person.nullable(),
  to: z.array(person),
  cc: z.array(person),
  date: isoDateTime.nullable(),
  subject: z.string(),
  isRead: z.boolean(),
  /** The body as plain text (HTML bodies are read into text on the server). */
  text: z.string(),
  hasAttachments: z.boolean(),
  /** null while the list is not known yet (it comes with the message, or on first open). */
  attachments: z.array(attachment).nullable(),
});
export type Message = z.infer<typeof message>;

export const conversationDetail = z.object({
  id: z.string(),
  subject: z.string(),
  lastMessageAt: isoDateTime.nullable(),
  messageCount: z.number().int(),
  unreadCount: z.number().int(),
  status: conversationStatus,
  channel: channelRef,
  messages: z.array(message),
});
export type ConversationDetail = z.infer<typeof conversationDetail>;

/** The most conversations one page (or one refetch by ids) holds. */
export const MAX_CONVERSATION_PAGE = 100;

/** The list's filters, as query parameters (also what "all matching" selects in bulk actions). */
export const conversationFilter = z.object({
  /** Only open or only closed conversations; both when omitted. */
  status: conversationStatus.optional(),
  /** `true`: only conversations with an unread inbound message. */
  unread: z
    .enum(["true", "false"])
    .transform((v) => v === "true")
    .optional(),
  /** Words found in a message's sender (name or address), subject or body, case-insensitive. */
  q: z.string().trim().max(200).optional(),
});
export type ConversationFilter = z.output<typeof conversationFilter>;

/**
 * Newest activity first, keyset-paginated by `cursor`, narrowed by the filters; or just the
 * conversations in `ids` (the filters still apply, so a refetched item that no longer matches drops).
 */
export const conversationListQuery = conversationFilter.extend({
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number<number | string>().int().min(1).max(MAX_CONVERSATION_PAGE).default(50),
  /** Comma-separated conversation ids: refetch just these (after a live update). */
  ids: z
    .string()
    .max(40 * MAX_CONVERSATION_PAGE)
    .transform((s) => s.split(",").filter(Boolean))
    .pipe(z.array(z.string()).max(MAX_CONVERSATION_PAGE, `At most ${MAX_CONVERSATION_PAGE} ids`))
    .optional(),
});
export type ConversationListQuery = z.output<typeof conversationListQuery>;

const pageResponse = { 200: conversationPage };

export const conversationRoutes = {
  /** Every inbox the member can see. */
  listConversations: defineRoute({
    method: "GET",
    path: "/api/conversations",
    query: conversationListQuery,
    response: pageResponse,
  }),
  listInboxConversations: defineRoute({
    method: "GET",
    path: "/api/inboxes/:inboxId/conversations",
    params: z.object({ inboxId: z.string() }),
    query: conversationListQuery,
    response: pageResponse,
  }),
  getConversation: defineRoute({
    method: "GET",
    path: "/api/conversations/:id",
    params: z.object({ id: z.string() }),
    response: { 200: z.object({ conversation: conversationDetail }) },
  }),
};
