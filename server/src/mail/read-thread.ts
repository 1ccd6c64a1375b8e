import { and, asc, eq, isNull, type SQL, sql } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import type { Db } from "../db/client.ts";
import { conversations, messages } from "./schema.ts";
import { readAddresses, readAttachments, readCategories } from "./stored-json.ts";

/**
 * One thread and its messages, for the inbox. Every read is scoped by org and by a visibility
 * predicate the caller supplies (which channels the viewer may see): the store knows messages,
 * not who may read them.
 */

/** "This row's channel is visible to the reader", as SQL over the row's channel column. */
export type ChannelVisibility = (channelId: AnyPgColumn) => SQL;

export type MessageRow = typeof messages.$inferSelect;

/** A stored message with its jsonb columns checked (stored-json.ts). */
function checked(row: MessageRow): MessageRow {
  return {
    ...row,
    toRecipients: readAddresses(row.toRecipients),
    ccRecipients: readAddresses(row.ccRecipients),
    bccRecipients: readAddresses(row.bccRecipients),
    replyTo: readAddresses(row.replyTo),
    attachments: readAttachments(row.attachments),
    categories: readCategories(row.categories),
  };
}

/** A live message by our id, if it is the org's and visible. */
export async function findMessage(
  db: Db,
  scope: { orgId: string; visible: ChannelVisibility },
  messageId: string,
): Promise<MessageRow | undefined> {
  const [row] = await db
    .select()
    .from(messages)
    .where(
      and(
        eq(messages.id, messageId),
        eq(messages.orgId, scope.orgId),
        isNull(messages.removedAt),
        scope.visible(messages.channelId),
      ),
    )
    .limit(1);
  return row && checked(row);
}

/** A conversation's own fields, if it is the org's and visible. */
export async function findConversation(
  db: Db,
  scope: { orgId: string; visible: ChannelVisibility },
  conversationId: string,
) {
  const [row] = await db
    .select({
      id: conversations.id,
      subject: conversations.subject,
      lastMessageAt: conversations.lastMessageAt,
      messageCount: conversations.messageCount,
      unreadCount: conversations.unreadCount,
      status: conversations.status,
      channelId: conversations.channelId,
    })
    .from(conversations)
    .where(
      and(
        eq(conversations.id, conversationId),
        eq(conversations.orgId, scope.orgId),
        scope.visible(conversations.channelId),
      ),
    )
    .limit(1);
  return row;
}

/** The conversation's live messages, oldest first. */
export async function threadMessages(db: Db, orgId: string, conversationId: string): Promise<MessageRow[]> {
  const rows = await db
    .select()
    .from(messages)
    .where(
      and(eq(messages.conversationId, conversationId), eq(messages.orgId, orgId), isNull(messages.removedAt)),
    )
    // Graph's times are whole seconds: within one, the message we stored first comes first.
    .orderBy(
      sql`coalesce(${messages.receivedAt}, ${messages.sentAt}) asc nulls last`,
      asc(messages.createdAt),
      asc(messages.id),
    );
  return rows.map(checked);
}
