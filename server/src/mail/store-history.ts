import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import type { DeltaMessage, FollowedFolder } from "../microsoft/delta.ts";
import { mapGraphMessage } from "./map-graph-message.ts";
import { conversations, messages } from "./schema.ts";

export type HistoryTx = Parameters<Parameters<Db["transaction"]>[0]>[0];

export interface HistoryTarget {
  orgId: string;
  channelId: string;
  folder: FollowedFolder;
}

export interface StoredHistory {
  /** Messages that were new to us and are now stored. */
  inserted: number;
  /** Our ids of the conversations that gained a message. */
  conversationIds: string[];
}

/**
 * Stores a page of older mail (a backfill's message list) inside the caller's transaction.
 * Unlike a delta page it only ever adds: a message we already hold is left exactly as it is,
 * because the live delta wrote it and stays the truth for it (it may know of a later read state,
 * a move or a deletion that this older listing does not). So a backfill can run alongside the
 * live sync without taking its lease, and replaying a page after a crash changes nothing.
 */
export async function insertHistoryPage(
  tx: HistoryTx,
  target: HistoryTarget,
  page: DeltaMessage[],
): Promise<StoredHistory> {
  if (page.length === 0) return { inserted: 0, conversationIds: [] };
  const rows = [...new Map(page.map((m) => [m.id, mapGraphMessage(m, target.folder)])).values()];
  const threads = [...new Map(rows.map((r) => [r.graphConversationId, r.subject ?? ""])).entries()];
  await tx
    .insert(conversations)
    .values(
      threads.map(([graphConversationId, subject]) => ({
        orgId: target.orgId,
        channelId: target.channelId,
        graphConversationId,
        subject,
      })),
    )
    .onConflictDoNothing({ target: [conversations.channelId, conversations.graphConversationId] });
  const ids = await tx
    .select({ id: conversations.id, graphConversationId: conversations.graphConversationId })
    .from(conversations)
    .where(
      and(
        eq(conversations.channelId, target.channelId),
        inArray(
          conversations.graphConversationId,
          threads.map(([graphConversationId]) => graphConversationId),
        ),
      ),
    );
  const threadId = new Map(ids.map((t) => [t.graphConversationId, t.id]));
  const inserted = await tx
    .insert(messages)
    .values(
      rows.map(({ graphConversationId, ...row }) => ({
        ...row,
        orgId: target.orgId,
        channelId: target.channelId,
        conversationId: threadId.get(graphConversationId)!,
      })),
    )
    .onConflictDoNothing({ target: [messages.channelId, messages.graphId] })
    .returning({ conversationId: messages.conversationId });
  const touched = [...new Set(inserted.map((r) => r.conversationId))];
  await recountConversations(tx, touched);
  return { inserted: inserted.length, conversationIds: touched };
}

/**
 * Counters, subject, snippet and last activity recomputed from the live messages, the same rule
 * the delta store applies (store-page.ts), so both writers agree on what a thread shows.
 */
async function recountConversations(tx: HistoryTx, ids: string[]) {
  if (ids.length === 0) return;
  const live = sql`from ${messages} m where m.conversation_id = ${conversations.id} and m.removed_at is null`;
  await tx
    .update(conversations)
    .set({
      messageCount: sql`(select count(*)::int ${live})`,
      unreadCount: sql`(select count(*)::int ${live} and not m.is_read and m.direction = 'inbound')`,
      lastMessageAt: sql`(select max(coalesce(m.received_at, m.sent_at)) ${live})`,
      subject: sql`coalesce((select m.subject ${live} order by coalesce(m.received_at, m.sent_at) asc nulls last limit 1), ${conversations.subject})`,
      snippet: sql`coalesce((select m.body_preview ${live} order by coalesce(m.received_at, m.sent_at) desc nulls last limit 1), '')`,
      updatedAt: new Date(),
    })
    .where(inArray(conversations.id, ids));
}
