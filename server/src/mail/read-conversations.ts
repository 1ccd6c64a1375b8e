import { and, desc, eq, gt, inArray, isNotNull, type SQL, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../db/client.ts";
import { type ConversationStatus, conversations, messages } from "./schema.ts";
import { type MailAddress, readAddresses } from "./stored-json.ts";

/**
 * Conversation lists for the inbox: a page of the channels' conversations, newest activity first,
 * and a few facts about each listed one. The caller decides which channels the reader may see.
 */

/** Keyset position: the last item's (last_message_at, id), as Postgres wrote the timestamp. */
export interface ListPosition {
  at: string;
  id: string;
}

export interface ConversationListQuery {
  orgId: string;
  /** The channels to list (already the ones the reader may see). */
  channelIds: string[];
  /** Just these conversations, in list order; no paging. */
  ids?: string[];
  /** Only what comes after this position. */
  after?: ListPosition;
  limit: number;
  status?: ConversationStatus;
  /** Only conversations with an unread inbound message. */
  unread?: boolean;
  /** Text a live message's sender, subject or body contains (case-insensitive). */
  search?: string;
}

/**
 * The list's filters as SQL over `conversations`. Search is ILIKE over the stored fields, probed
 * per conversation walked through messages_conversation_received_idx (ADR 019: no trigram or
 * full-text index, which PGlite lacks or would tokenize addresses away).
 */
export function conversationFilters(query: Pick<ConversationListQuery, "status" | "unread" | "search">) {
  const where: SQL[] = [];
  if (query.status) where.push(eq(conversations.status, query.status));
  if (query.unread) where.push(gt(conversations.unreadCount, 0));
  if (query.search) {
    const pattern = `%${query.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.push(sql`(${conversations.subject} ilike ${pattern} or exists (
      select 1 from ${messages} s where s.conversation_id = ${conversations.id} and s.removed_at is null
        and (s.subject ilike ${pattern} or s.from_address ilike ${pattern} or s.from_name ilike ${pattern}
          or s.body_content ilike ${pattern})))`);
  }
  return where;
}

/**
 * Conversations newest activity first, keyset-paginated on (last_message_at, id) so new mail
 * arriving between pages neither repeats nor skips an item; `limit + 1` rows, so the caller knows
 * whether another page follows. Conversations whose messages were all removed have message_count 0
 * (counters count live messages only) and are left out. Rides conversations_org_last_idx.
 */
export async function listConversationRows(db: Db, query: ConversationListQuery) {
  if (query.channelIds.length === 0 || query.ids?.length === 0) return [];
  const where: (SQL | undefined)[] = [
    eq(conversations.orgId, query.orgId),
    isNotNull(conversations.lastMessageAt),
    gt(conversations.messageCount, 0),
    inArray(conversations.channelId, query.channelIds),
    ...conversationFilters(query),
  ];
  if (query.ids) where.push(inArray(conversations.id, query.ids));
  else if (query.after) {
    const { at, id } = query.after;
    // (last_message_at, id) < (at, id), spelt so the first half is an index condition.
    where.push(
      sql`${conversations.lastMessageAt} <= ${at}::timestamptz and (${conversations.lastMessageAt} < ${at}::timestamptz or ${conversations.id} < ${id}::uuid)`,
    );
  }
  return (
    db
      .select({
        id: conversations.id,
        subject: conversations.subject,
        snippet: conversations.snippet,
        lastMessageAt: conversations.lastMessageAt,
        cursorAt: sql<string>`${conversations.lastMessageAt}::text`,
        messageCount: conversations.messageCount,
        unreadCount: conversations.unreadCount,
        status: conversations.status,
        channelId: conversations.channelId,
      })
      .from(conversations)
      .where(and(...where))
      // "desc nulls last" as the index is declared, so Postgres walks it instead of sorting.
      .orderBy(sql`${conversations.lastMessageAt} desc nulls last`, desc(conversations.id))
      .limit(query.limit + 1)
  );
}

/** One of a conversation's latest live messages: who it was from, and to. */
export interface RecentMessage {
  direction: string;
  fromName: string | null;
  fromAddress: string | null;
  toRecipients: MailAddress[];
}

export interface ConversationExtras {
  /** Its latest few live messages, newest first. */
  recent: RecentMessage[];
  /** Whether any live message has attachments. */
  hasAttachments: boolean;
}

const recentRow = z.object({
  conversation_id: z.string(),
  direction: z.string(),
  from_name: z.string().nullable(),
  from_address: z.string().nullable(),
  to_recipients: z.unknown(),
  has_attachments: z.boolean(),
});

/**
 * For the listed conversations only, in one query: their latest `perConversation` live messages
 * (a lateral join on messages_conversation_received_idx) and whether any live message has
 * attachments.
 */
export async function conversationExtras(
  db: Db,
  orgId: string,
  ids: string[],
  perConversation: number,
): Promise<Map<string, ConversationExtras>> {
  const byConversation = new Map<string, ConversationExtras>();
  if (ids.length === 0) return byConversation;
  const result = await db.execute<Record<string, unknown>>(sql`
    select c.id as conversation_id, r.direction, r.from_name, r.from_address, r.to_recipients,
      exists (select 1 from ${messages} a where a.conversation_id = c.id and a.removed_at is null and a.has_attachments) as has_attachments
    from ${conversations} c
    cross join lateral (
      select m.direction, m.from_name, m.from_address, m.to_recipients
      from ${messages} m
      where m.conversation_id = c.id and m.removed_at is null
      order by coalesce(m.received_at, m.sent_at) desc nulls last
      limit ${perConversation}
    ) r
    where c.org_id = ${orgId} and c.id in (${sql.join(
      ids.map((id) => sql`${id}::uuid`),
      sql`, `,
    )})`);
  for (const raw of result.rows) {
    const row = recentRow.parse(raw);
    const extras = byConversation.get(row.conversation_id) ?? { recent: [], hasAttachments: false };
    extras.recent.push({
      direction: row.direction,
      fromName: row.from_name,
      fromAddress: row.from_address,
      toRecipients: readAddresses(row.to_recipients),
    });
    extras.hasAttachments ||= row.has_attachments;
    byConversation.set(row.conversation_id, extras);
  }
  return byConversation;
}

/** A conversation as the inbox's actions name it. */
export interface ConversationRef {
  id: string;
  channelId: string;
  subject: string;
}

/**
 * The listed conversations a bulk action takes: these `ids`, or all that match the filters, in
 * the given channels, newest activity first, at most `max`.
 */
export async function conversationRefs(
  db: Db,
  query: Omit<ConversationListQuery, "after" | "limit">,
  max: number,
): Promise<ConversationRef[]> {
  if (query.channelIds.length === 0 || query.ids?.length === 0) return [];
  const refs: ConversationRef[] = [];
  // The ids in chunks: a selection of thousands stays well under Postgres's parameter limit.
  const chunks = query.ids ? chunk(query.ids, 1000) : [undefined];
  for (const ids of chunks) {
    const rows = await db
      .select({ id: conversations.id, channelId: conversations.channelId, subject: conversations.subject })
      .from(conversations)
      .where(
        and(
          eq(conversations.orgId, query.orgId),
          gt(conversations.messageCount, 0),
          inArray(conversations.channelId, query.channelIds),
          ids ? inArray(conversations.id, ids) : undefined,
          ...conversationFilters(query),
        ),
      )
      .orderBy(sql`${conversations.lastMessageAt} desc nulls last`, desc(conversations.id))
      .limit(max - refs.length);
    refs.push(...rows);
    if (refs.length >= max) break;
  }
  return refs;
}

function chunk<T>(items: T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}
