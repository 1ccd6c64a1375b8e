import { createHash } from "node:crypto";
import {
  type Attachment,
  type ChannelImport,
  type ConversationFilter,
  type ConversationItem,
  MAX_CONVERSATION_PAGE,
  type Message,
  type Person,
} from "@mailroom/contract";
import { channelCards } from "../channels/channel-store.ts";
import type { Db } from "../db/client.ts";
import { notFound } from "../errors.ts";
import { conversationExtras, listConversationRows } from "../mail/read-conversations.ts";
import { findConversation, findMessage, type MessageRow, threadMessages } from "../mail/read-thread.ts";
import type { AttachmentInfo } from "../mail/stored-json.ts";
import { decodeCursor, encodeCursor } from "./conversation-cursor.ts";
import { htmlToText } from "./html-text.ts";
import { PARTICIPANT_MESSAGES, participantsFor } from "./participants.ts";
import { channelVisibility, isUuid, type Viewer, visibleChannelIds } from "./visibility.ts";

/**
 * The inbox's views of the synced mail: conversation lists (newest activity first) and one
 * conversation with its messages, for the conversations a member may see (visibility.ts). The mail
 * comes from the store's read functions (mail/), the channels' names from the channel store, and
 * whether a channel is still importing from sync, through the port the routes are given.
 */

/** The shapes sent to the browser are the contract's (conversations.ts there). */
export type { ConversationItem, Person, Viewer };
export type ChannelSyncSummary = ChannelImport;
export type AttachmentView = Attachment;
export type MessageView = Message;

export const MAX_PAGE = MAX_CONVERSATION_PAGE;

/** What the inbox asks sync (wired in http/app.ts): the inbox never imports sync. */
export interface SyncStatusPort {
  /** Which of these channels are still importing their recent mail. */
  importing(channelIds: string[]): Promise<Set<string>>;
}

export interface ListQuery extends ConversationFilter {
  inboxId?: string;
  cursor?: string;
  limit: number;
  /** Just these conversations (a live update), in list order; no paging. */
  ids?: string[];
}

/**
 * One page of conversations, newest activity first, with a link to the next page. The visible
 * channels are read first (a handful per org), so the list itself is a plain walk down the
 * (org_id, last_message_at desc) index that stops after one page.
 */
export async function listConversations(
  db: Db,
  viewer: Viewer,
  query: ListQuery,
): Promise<{ conversations: ConversationItem[]; nextCursor: string | null }> {
  const channelIds = await visibleChannelIds(db, viewer, query.inboxId);
  if (channelIds.length === 0) return { conversations: [], nextCursor: null };
  const limit = query.ids ? MAX_PAGE : query.limit;
  const rows = await listConversationRows(db, {
    orgId: viewer.orgId,
    channelIds,
    ids: query.ids?.filter(isUuid),
    after: !query.ids && query.cursor ? decodeCursor(query.cursor) : undefined,
    limit,
    status: query.status,
    unread: query.unread,
    search: query.q || undefined,
  });
  const page = rows.slice(0, limit);
  const [extras, cards] = await Promise.all([
    conversationExtras(
      db,
      viewer.orgId,
      page.map((r) => r.id),
      PARTICIPANT_MESSAGES,
    ),
    channelCards(db, viewer.orgId, [...new Set(page.map((r) => r.channelId))]),
  ]);
  const last = page.at(-1);
  return {
    conversations: page.map((r) => {
      const channel = cards.find((c) => c.id === r.channelId)!;
      return {
        id: r.id,
        subject: r.subject,
        snippet: r.snippet,
        lastMessageAt: r.lastMessageAt!.toISOString(),
        messageCount: r.messageCount,
        unreadCount: r.unreadCount,
        status: r.status,
        channel: { id: channel.id, email: channel.email, name: channel.name },
        participants: participantsFor(extras.get(r.id)?.recent ?? [], channel.email),
        hasAttachments: extras.get(r.id)?.hasAttachments ?? false,
      };
    }),
    nextCursor:
      !query.ids && rows.length > limit && last ? encodeCursor({ at: last.cursorAt, id: last.id }) : null,
  };
}

/** The channels behind the viewer's inboxes (or one inbox), with whether their first import runs. */
export async function channelsInScope(
  db: Db,
  viewer: Viewer,
  inboxId: string | undefined,
  syncStatus: SyncStatusPort,
): Promise<ChannelSyncSummary[]> {
  const ids = await visibleChannelIds(db, viewer, inboxId);
  const [cards, importing] = await Promise.all([
    channelCards(db, viewer.orgId, ids),
    syncStatus.importing(ids),
  ]);
  return cards.map((c) => ({ ...c, importing: importing.has(c.id) }));
}

/** A live message the viewer may see, by our id; 404 for anything else (other orgs included). */
export async function findVisibleMessage(db: Db, viewer: Viewer, messageId: string): Promise<MessageRow> {
  if (!isUuid(messageId)) throw notFound("Message");
  const row = await findMessage(db, { orgId: viewer.orgId, visible: channelVisibility(viewer) }, messageId);
  if (!row) throw notFound("Message");
  return row;
}

/** One conversation with its live messages, oldest first; 404 unless the viewer may see it. */
export async function getConversation(db: Db, viewer: Viewer, conversationId: string) {
  if (!isUuid(conversationId)) throw notFound("Conversation");
  const scope = { orgId: viewer.orgId, visible: channelVisibility(viewer) };
  const conversation = await findConversation(db, scope, conversationId);
  if (!conversation) throw notFound("Conversation");
  const [rows, [channel]] = await Promise.all([
    threadMessages(db, viewer.orgId, conversationId),
    channelCards(db, viewer.orgId, [conversation.channelId]),
  ]);
  if (rows.length === 0 || !channel) throw notFound("Conversation");
  return {
    conversation: {
      id: conversation.id,
      subject: conversation.subject,
      lastMessageAt: conversation.lastMessageAt?.toISOString() ?? null,
      messageCount: conversation.messageCount,
      unreadCount: conversation.unreadCount,
      status: conversation.status,
      channel: { id: channel.id, email: channel.email, name: channel.name },
    },
    rows,
  };
}

export function messageView(row: MessageRow): MessageView {
  const date = row.receivedAt ?? row.sentAt;
  return {
    id: row.id,
    direction: row.direction,
    from: row.fromAddress ? { name: row.fromName, address: row.fromAddress } : null,
    to: row.toRecipients,
    cc: row.ccRecipients,
    date: date?.toISOString() ?? null,
    subject: row.subject,
    isRead: row.isRead,
    text: row.bodyContentType === "html" ? htmlToText(row.bodyContent) : row.bodyContent,
    hasAttachments: row.hasAttachments,
    attachments: row.attachments ? row.attachments.map(attachmentView) : null,
  };
}

/** Graph's attachment ids are long and Graph's own; the browser gets a stable digest instead. */
export function attachmentKey(graphAttachmentId: string): string {
  return createHash("sha256").update(graphAttachmentId).digest("base64url").slice(0, 22);
}

function attachmentView(a: AttachmentInfo): AttachmentView {
  return {
    id: attachmentKey(a.id),
    name: a.name,
    contentType: a.contentType,
    size: a.size,
    isInline: a.isInline,
  };
}
