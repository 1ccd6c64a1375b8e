import { and, eq, inArray, isNotNull, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { FOLLOWED_FOLDERS, type FollowedFolder } from "./folders.ts";
import { syncCursors } from "./schema.ts";
import { initialWindowStart } from "./store-page.ts";

/**
 * Where each followed folder's delta stands (`sync_cursors`). Mail owns the positions because a
 * page and the position after it commit in one transaction (store-page.ts, ADR 010); this file is
 * the rest of what reads or writes them: a run's starting points, the start of an initial round,
 * and the roll-ups sync health and the inbox ask for.
 */

export interface FolderCursor {
  deltaLink: string | null;
  nextLink: string | null;
  messagesSeen: number;
}

/** The channel's positions, by folder. */
export async function readCursors(db: Db, channelId: string): Promise<Map<string, FolderCursor>> {
  const rows = await db
    .select({
      folder: syncCursors.folder,
      deltaLink: syncCursors.deltaLink,
      nextLink: syncCursors.nextLink,
      messagesSeen: syncCursors.messagesSeen,
    })
    .from(syncCursors)
    .where(eq(syncCursors.channelId, channelId));
  return new Map(rows.map((r) => [r.folder, r]));
}

/**
 * A folder's initial round (first sync, or Graph dropped the delta state): forgets the position,
 * notes when the round began (database clock, like the messages' `updated_at`) and returns where
 * its window starts — BACKFILL_DAYS before that. The reconcile at the round's end (store-page.ts)
 * derives the same window from `round_started_at`, so both judge exactly the rows the round's
 * `$filter` covered, whichever worker finishes it.
 */
export async function beginInitialRound(
  db: Db,
  target: { orgId: string; channelId: string; folder: FollowedFolder },
  backfillDays: number,
): Promise<Date> {
  const [cursor] = await db
    .insert(syncCursors)
    .values({
      channelId: target.channelId,
      orgId: target.orgId,
      folder: target.folder,
      roundStartedAt: sql`now()`,
    })
    .onConflictDoUpdate({
      target: [syncCursors.channelId, syncCursors.folder],
      set: { deltaLink: null, nextLink: null, roundStartedAt: sql`now()` },
    })
    .returning({ roundStartedAt: syncCursors.roundStartedAt });
  return initialWindowStart(cursor!.roundStartedAt!, backfillDays);
}

export interface CursorRollUp {
  /** Every followed folder finished a round at or after this time. */
  roundAt: Date | null;
  /** Every followed folder finished its initial round; the last one at this time. */
  initialAt: Date | null;
}

/** Folds per-folder cursor rows into "every followed folder" times. */
export function rollUpCursors(
  rows: { folder: string; lastRoundAt: Date | null; initialCompletedAt: Date | null }[],
): CursorRollUp {
  const followed = rows.filter((r) => (FOLLOWED_FOLDERS as readonly string[]).includes(r.folder));
  const all = followed.length === FOLLOWED_FOLDERS.length;
  const rounds = followed.map((r) => r.lastRoundAt);
  const initials = followed.map((r) => r.initialCompletedAt);
  return {
    roundAt: all && rounds.every(Boolean) ? new Date(Math.min(...rounds.map((d) => d!.getTime()))) : null,
    initialAt:
      all && initials.every(Boolean) ? new Date(Math.max(...initials.map((d) => d!.getTime()))) : null,
  };
}

/** One channel's roll-up. */
export async function channelRoundTimes(db: Db, channelId: string): Promise<CursorRollUp> {
  const rows = await db
    .select({
      folder: syncCursors.folder,
      lastRoundAt: syncCursors.lastRoundAt,
      initialCompletedAt: syncCursors.initialCompletedAt,
    })
    .from(syncCursors)
    .where(eq(syncCursors.channelId, channelId));
  return rollUpCursors(rows);
}

/** Every channel of the org with cursors, rolled up in one grouped query. */
export async function orgRoundTimes(db: Db, orgId: string): Promise<Map<string, CursorRollUp>> {
  const rows = await db
    .select({
      channelId: syncCursors.channelId,
      rounded: sql<number>`count(${syncCursors.lastRoundAt})::int`,
      roundAt: sql<Date | null>`min(${syncCursors.lastRoundAt})`.mapWith(syncCursors.lastRoundAt),
      initialDone: sql<number>`count(${syncCursors.initialCompletedAt})::int`,
      initialAt: sql<Date | null>`max(${syncCursors.initialCompletedAt})`.mapWith(
        syncCursors.initialCompletedAt,
      ),
    })
    .from(syncCursors)
    .where(and(eq(syncCursors.orgId, orgId), inArray(syncCursors.folder, [...FOLLOWED_FOLDERS])))
    .groupBy(syncCursors.channelId);
  const all = FOLLOWED_FOLDERS.length;
  return new Map(
    rows.map((r) => [
      r.channelId,
      {
        roundAt: r.rounded === all ? (r.roundAt ?? null) : null,
        initialAt: r.initialDone === all ? (r.initialAt ?? null) : null,
      },
    ]),
  );
}

/** Which of these channels have finished the initial round of every followed folder. */
export async function initialRoundsDone(db: Db, channelIds: string[]): Promise<Set<string>> {
  if (channelIds.length === 0) return new Set();
  const rows = await db
    .select({ channelId: syncCursors.channelId })
    .from(syncCursors)
    .where(
      and(
        inArray(syncCursors.channelId, channelIds),
        inArray(syncCursors.folder, [...FOLLOWED_FOLDERS]),
        isNotNull(syncCursors.initialCompletedAt),
      ),
    )
    .groupBy(syncCursors.channelId)
    .having(sql`count(*) = ${FOLLOWED_FOLDERS.length}`);
  return new Set(rows.map((r) => r.channelId));
}
