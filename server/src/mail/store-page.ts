import { and, eq, gte, inArray, isNotNull, isNull, lt, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import type { DeltaPage } from "../microsoft/delta.ts";
import type { FollowedFolder } from "./folders.ts";
import { type MappedMessage, mapGraphMessage } from "./map-graph-message.ts";
import { conversations, messages, syncCursors } from "./schema.ts";

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

export interface PageTarget {
  orgId: string;
  channelId: string;
  folder: FollowedFolder;
}

export interface StoredPage {
  /** Messages created or updated. */
  upserted: number;
  /** Messages newly marked removed. */
  removed: number;
  /** Our ids of the conversations the page created or changed (for the live inbox). */
  conversationIds: string[];
}

export interface StoreOptions {
  /** BACKFILL_DAYS: how far back an initial round's `$filter` reached (see `initialWindowStart`). */
  backfillDays: number;
  /**
   * The round began at a stored delta link: a routine round, never an initial one, so its last
   * page has nothing to reconcile and need not look (one query per folder per sync saved).
   */
  routine?: boolean;
}

/** Graph's cap on a filtered initial delta round, per folder (see microsoft/delta.ts). */
export const FILTERED_DELTA_CAP = 5000;

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Where an initial round's window begins: BACKFILL_DAYS before the round's `round_started_at`.
 * sync-channel builds the round's `$filter` from it and the reconcile at the round's end uses it
 * again, so both agree to the millisecond even when another worker finishes the round.
 */
export function initialWindowStart(roundStartedAt: Date, backfillDays: number): Date {
  return new Date(roundStartedAt.getTime() - backfillDays * DAY_MS);
}

/**
 * Stores one delta page and moves the folder's cursor past it, in one transaction: the delta link
 * is stored only once its page is committed, so a crash replays the page instead of losing it.
 * Every write is keyed (channel, immutable id) / (channel, conversationId) and counters are
 * recomputed, so replays and duplicates — which Graph documents — change nothing.
 * https://learn.microsoft.com/graph/delta-query-messages
 */
export async function storeDeltaPage(
  db: Db,
  target: PageTarget,
  page: DeltaPage,
  options: StoreOptions,
): Promise<StoredPage> {
  const mapped = latestById(page.messages.map((m) => mapGraphMessage(m, target.folder)));
  // An empty routine page (most sweeps) moves the position and nothing else: one statement, no
  // transaction around it.
  if (mapped.length === 0 && page.removed.length === 0 && (page.deltaLink === undefined || options.routine)) {
    await advanceCursor(db, target, page, 0);
    return { upserted: 0, removed: 0, conversationIds: [] };
  }
  return db.transaction(async (tx) => {
    const touched = new Set<string>();
    const upserted = await upsertMessages(tx, target, mapped, touched);
    let removed = await markRemoved(tx, target, page.removed, touched);
    if (page.deltaLink !== undefined && !options.routine)
      removed += await reconcileRound(tx, target, options, touched);
    await recomputeConversations(tx, [...touched]);
    await advanceCursor(tx, target, page, mapped.length);
    return { upserted, removed, conversationIds: [...touched] };
  });
}

/** A page may hold one message twice (Graph replays); the later state wins. */
function latestById(rows: MappedMessage[]): MappedMessage[] {
  return [...new Map(rows.map((r) => [r.graphId, r])).values()];
}

async function upsertMessages(tx: Tx, target: PageTarget, rows: MappedMessage[], touched: Set<string>) {
  if (rows.length === 0) return 0;
  // The database's clock, like `round_started_at` and the insert default: the reconcile compares them.
  const now = sql`now()`;
  // Threads a message leaves (Graph may regroup it) need their counters recomputed too.
  const before = await tx
    .select({ conversationId: messages.conversationId })
    .from(messages)
    .where(
      and(
        eq(messages.channelId, target.channelId),
        inArray(
          messages.graphId,
          rows.map((r) => r.graphId),
        ),
      ),
    );
  for (const b of before) touched.add(b.conversationId);

  const threads = await tx
    .insert(conversations)
    .values(
      [...new Map(rows.map((r) => [r.graphConversationId, r])).values()].map((r) => ({
        orgId: target.orgId,
        channelId: target.channelId,
        graphConversationId: r.graphConversationId,
        subject: r.subject ?? "",
      })),
    )
    .onConflictDoUpdate({
      target: [conversations.channelId, conversations.graphConversationId],
      set: { updatedAt: now },
    })
    .returning({ id: conversations.id, graphConversationId: conversations.graphConversationId });
  const threadId = new Map(threads.map((t) => [t.graphConversationId, t.id]));
  for (const t of threads) touched.add(t.id);

  await tx
    .insert(messages)
    .values(
      rows.map(({ graphConversationId, ...row }) => ({
        ...row,
        updatedAt: now,
        orgId: target.orgId,
        channelId: target.channelId,
        conversationId: threadId.get(graphConversationId)!,
      })),
    )
    .onConflictDoUpdate({
      target: [messages.channelId, messages.graphId],
      set: { ...excludedColumns(), updatedAt: now },
    });
  return rows.length;
}

/** Every Graph-sourced column takes the incoming value on conflict. */
function excludedColumns() {
  const columns = [
    messages.conversationId,
    messages.internetMessageId,
    messages.folder,
    messages.direction,
    messages.fromAddress,
    messages.fromName,
    messages.toRecipients,
    messages.ccRecipients,
    messages.bccRecipients,
    messages.replyTo,
    messages.subject,
    messages.bodyPreview,
    messages.bodyContentType,
    messages.bodyContent,
    messages.receivedAt,
    messages.sentAt,
    messages.isRead,
    messages.hasAttachments,
    messages.categories,
    messages.webLink,
    messages.removedAt,
  ];
  return {
    ...Object.fromEntries(
      Object.entries(messages).flatMap(([key, column]) =>
        columns.some((c) => c === column) ? [[key, sql.raw(`excluded."${column.name}"`)]] : [],
      ),
    ),
    // A page without the expanded list (null) keeps the list we already had.
    attachments: sql`coalesce(excluded.attachments, ${messages.attachments})`,
  };
}

/**
 * `@removed` means deleted or moved out of this folder (ADR 009). Only this folder's copy is
 * marked: a removal from the Inbox says nothing about a message we hold from Sent Items.
 */
async function markRemoved(tx: Tx, target: PageTarget, ids: string[], touched: Set<string>) {
  if (ids.length === 0) return 0;
  const rows = await tx
    .update(messages)
    .set({ removedAt: sql`now()`, updatedAt: sql`now()` })
    .where(
      and(
        eq(messages.channelId, target.channelId),
        eq(messages.folder, target.folder),
        inArray(messages.graphId, ids),
        isNull(messages.removedAt),
      ),
    )
    .returning({ conversationId: messages.conversationId });
  for (const r of rows) touched.add(r.conversationId);
  return rows.length;
}

/**
 * The end of an initial round (first sync, or the restart after Graph dropped the delta state):
 * a fresh round lists only what exists, so whatever was deleted or moved out while the state was
 * gone never arrives as `@removed`. Every live row of the folder's window that the round didn't
 * write — `updated_at` before `round_started_at`, since every upsert stamps `updated_at = now()`
 * on the database clock — is gone from the mailbox: mark it removed.
 * - The window is the round's `$filter` (`initialWindowStart`); rows older than it (the "Sync older
 *   mail" backfill's) and rows without `received_at` are left alone.
 * - A filtered round holds at most the newest 5,000 messages: when it wrote that many, only rows
 *   at least as new as the oldest it wrote are judged, so older mail still present stays live.
 * - Rows a backfill inserted into the window during the round are newer than `round_started_at`
 *   and stay live even if the round didn't return them; the next routine round settles them.
 * - On a first sync this finds nothing (the store held nothing older), which is fine.
 * https://learn.microsoft.com/graph/delta-query-overview#synchronization-reset
 */
async function reconcileRound(tx: Tx, target: PageTarget, options: StoreOptions, touched: Set<string>) {
  const [cursor] = await tx
    .select({ roundStartedAt: syncCursors.roundStartedAt })
    .from(syncCursors)
    .where(and(eq(syncCursors.channelId, target.channelId), eq(syncCursors.folder, target.folder)));
  const startedAt = cursor?.roundStartedAt;
  if (!startedAt) return 0;
  const folderRows = and(
    eq(messages.channelId, target.channelId),
    eq(messages.folder, target.folder),
    isNull(messages.removedAt),
    isNotNull(messages.receivedAt),
  );
  let since = initialWindowStart(startedAt, options.backfillDays);
  const [written] = await tx
    .select({
      count: sql<number>`count(*)::int`,
      oldest: sql<Date | null>`min(${messages.receivedAt})`.mapWith(messages.receivedAt),
    })
    .from(messages)
    .where(and(folderRows, gte(messages.receivedAt, since), gte(messages.updatedAt, startedAt)));
  if (written?.oldest && written.count >= FILTERED_DELTA_CAP && written.oldest > since)
    since = written.oldest;
  const rows = await tx
    .update(messages)
    .set({ removedAt: sql`now()`, updatedAt: sql`now()` })
    .where(and(folderRows, gte(messages.receivedAt, since), lt(messages.updatedAt, startedAt)))
    .returning({ conversationId: messages.conversationId });
  for (const r of rows) touched.add(r.conversationId);
  return rows.length;
}

/** Counters, subject, snippet and last activity from the live messages: replay-proof. */
export async function recomputeConversations(tx: Tx | Db, ids: string[]) {
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
      // A customer writing again reopens a closed conversation (ADR 019): mail received since it
      // was closed — in that second or later, as Graph's times are whole seconds (a message of the
      // same second reopens it rather than go unseen). Derived from the messages: replay-proof.
      status: sql`case when ${conversations.status} = 'closed' and exists (select 1 ${live} and m.direction = 'inbound' and m.received_at >= date_trunc('second', ${conversations.statusChangedAt})) then 'open' else ${conversations.status} end`,
      updatedAt: new Date(),
    })
    .where(inArray(conversations.id, ids));
}

/**
 * Mid-round: remember the next page (a resumed round keeps its `round_started_at`). Round done:
 * keep the delta link for the next round; the reconcile is done, so `round_started_at` is cleared.
 */
async function advanceCursor(tx: Tx | Db, target: PageTarget, page: DeltaPage, seen: number) {
  const now = new Date();
  const done = page.deltaLink !== undefined;
  const position = done
    ? { deltaLink: page.deltaLink, nextLink: null, roundStartedAt: null }
    : { nextLink: page.next ?? null };
  await tx
    .insert(syncCursors)
    .values({
      channelId: target.channelId,
      orgId: target.orgId,
      folder: target.folder,
      ...position,
      messagesSeen: seen,
      ...(done ? { lastRoundAt: now, initialCompletedAt: now } : {}),
    })
    .onConflictDoUpdate({
      target: [syncCursors.channelId, syncCursors.folder],
      set: {
        ...position,
        messagesSeen: sql`${syncCursors.messagesSeen} + ${seen}`,
        ...(done
          ? { lastRoundAt: now, initialCompletedAt: sql`coalesce(${syncCursors.initialCompletedAt}, now())` }
          : {}),
      },
    });
}
