import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { type ConversationStatus, conversations, messages } from "./schema.ts";
import { recomputeConversations } from "./store-page.ts";
import { readCategories } from "./stored-json.ts";

/**
 * Writes behind the inbox's actions (ADR 019). Outlook's own state (read, categories, folder) is
 * written here only after Graph accepted the change, so the store never shows what Outlook
 * doesn't; the next delta round brings the same values and changes nothing. Status is Mailroom's.
 */

export interface ActionMessage {
  id: string;
  graphId: string;
  conversationId: string;
  channelId: string;
  direction: string;
  isRead: boolean;
  categories: string[];
}

/** The live messages of these conversations (the caller has checked the reader may see them). */
export async function liveMessagesOf(
  db: Db,
  orgId: string,
  conversationIds: string[],
): Promise<ActionMessage[]> {
  const found: ActionMessage[] = [];
  // In chunks: a bulk action may name 100,000 conversations, past Postgres's parameter limit.
  for (const ids of chunks(conversationIds)) {
    const rows = await db
      .select({
        id: messages.id,
        graphId: messages.graphId,
        conversationId: messages.conversationId,
        channelId: messages.channelId,
        direction: messages.direction,
        isRead: messages.isRead,
        categories: messages.categories,
      })
      .from(messages)
      .where(
        and(eq(messages.orgId, orgId), inArray(messages.conversationId, ids), isNull(messages.removedAt)),
      );
    found.push(...rows.map((r) => ({ ...r, categories: readCategories(r.categories) })));
  }
  return found;
}

/** What Graph accepted for one message. `moved`: it left the followed folders (archive, a move). */
export interface AcceptedChange {
  messageId: string;
  isRead?: boolean;
  categories?: string[];
  moved?: boolean;
}

/** Records accepted changes and recomputes the conversations' counters; returns them. */
export async function recordAcceptedChanges(
  db: Db,
  orgId: string,
  changes: AcceptedChange[],
): Promise<string[]> {
  if (changes.length === 0) return [];
  // A bulk action makes the same change to many messages: one statement per distinct change.
  const groups = new Map<string, { change: AcceptedChange; ids: string[] }>();
  for (const change of changes) {
    const key = JSON.stringify([change.isRead, change.categories, change.moved]);
    const group = groups.get(key) ?? { change, ids: [] };
    group.ids.push(change.messageId);
    groups.set(key, group);
  }
  return db.transaction(async (tx) => {
    const touched = new Set<string>();
    for (const { change, ids } of groups.values()) {
      const set: Partial<typeof messages.$inferInsert> = { updatedAt: new Date() };
      if (change.isRead !== undefined) set.isRead = change.isRead;
      if (change.categories !== undefined) set.categories = change.categories;
      if (change.moved) set.removedAt = new Date();
      const rows = await tx
        .update(messages)
        .set(set)
        .where(and(inArray(messages.id, ids), eq(messages.orgId, orgId)))
        .returning({ conversationId: messages.conversationId });
      for (const row of rows) touched.add(row.conversationId);
    }
    await recomputeConversations(tx, [...touched]);
    return [...touched];
  });
}

/** Opens or closes conversations of the org; returns those whose status changed. */
export async function setConversationStatus(
  db: Db,
  orgId: string,
  conversationIds: string[],
  status: ConversationStatus,
): Promise<{ id: string; channelId: string }[]> {
  const changed: { id: string; channelId: string }[] = [];
  for (const ids of chunks(conversationIds)) {
    const rows = await db
      .update(conversations)
      .set({ status, statusChangedAt: sql`now()`, updatedAt: sql`now()` })
      .where(
        and(
          eq(conversations.orgId, orgId),
          inArray(conversations.id, ids),
          sql`${conversations.status} <> ${status}`,
        ),
      )
      .returning({ id: conversations.id, channelId: conversations.channelId });
    changed.push(...rows);
  }
  return changed;
}

function chunks<T>(items: T[], size = 1000): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
