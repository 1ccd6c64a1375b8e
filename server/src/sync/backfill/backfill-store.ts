import type { Backfill, BackfillDays } from "@mailroom/contract";
import { and, desc, eq, isNull, lt, or, sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { conflict } from "../../errors.ts";
import type { EventBus } from "../../events/bus.ts";
import { FOLLOWED_FOLDERS } from "../../mail/folders.ts";
import type { BackfillCursors } from "./backfill-cursors.ts";
import { type BackfillRow, type BackfillStatus, backfillCursors, backfills } from "./schema.ts";

/**
 * The `backfills` and `backfill_cursors` tables' only reader and writer ("Sync older mail"): requests start, list and
 * cancel here; a run claims, advances and finishes its backfill here; the resume job finds the
 * stale ones. A run owns its backfill while its heartbeat is the one it last wrote (run-backfill.ts).
 */

export type { BackfillRow, BackfillStatus };

/** A running backfill whose heartbeat is older than this is picked up again. */
export const BACKFILL_STALE_MS = 3 * 60 * 1000;
/** …unless it has made no progress for this long: then it is failed, not retried for ever. */
export const BACKFILL_GIVE_UP_MS = 60 * 60 * 1000;

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

export interface StartedBackfill {
  backfill: BackfillRow;
  /** False when the same request was already running (a double click): nothing new was queued. */
  created: boolean;
}

/**
 * Starts a backfill for a channel. One runs per channel at a time (a partial unique index): asking
 * again for the same number of days returns the running one; asking for another is a conflict.
 */
export async function startBackfill(
  db: Db,
  input: { orgId: string; channelId: string; days: BackfillDays; requestedBy: string; now?: Date },
): Promise<StartedBackfill> {
  const now = input.now ?? new Date();
  const inserted = await db
    .insert(backfills)
    .values({
      orgId: input.orgId,
      channelId: input.channelId,
      days: input.days,
      windowStart: new Date(now.getTime() - input.days * 86_400_000),
      windowEnd: now,
      requestedBy: input.requestedBy,
    })
    .onConflictDoNothing()
    .returning();
  if (inserted[0]) return { backfill: inserted[0], created: true };
  const running = await runningBackfill(db, input.orgId, input.channelId);
  if (!running) throw conflict("Another backfill just finished; try again");
  if (running.days !== input.days)
    throw conflict(
      `Mail from the last ${running.days} days is already being synced. Wait for it to finish or cancel it first.`,
    );
  return { backfill: running, created: false };
}

export async function runningBackfill(db: Db, orgId: string, channelId: string) {
  const [row] = await db
    .select()
    .from(backfills)
    .where(
      and(eq(backfills.orgId, orgId), eq(backfills.channelId, channelId), eq(backfills.status, "running")),
    )
    .limit(1);
  return row;
}

export async function findBackfill(db: Db, id: string): Promise<BackfillRow | undefined> {
  const [row] = await db.select().from(backfills).where(eq(backfills.id, id)).limit(1);
  return row;
}

/** The channel's backfills, newest first. */
export async function listBackfills(db: Db, orgId: string, channelId: string, limit = 10) {
  return db
    .select()
    .from(backfills)
    .where(and(eq(backfills.orgId, orgId), eq(backfills.channelId, channelId)))
    .orderBy(desc(backfills.createdAt))
    .limit(limit);
}

/** Cancels a running backfill; its job stops at its next page. Undefined if it was not running. */
export async function cancelBackfill(db: Db, orgId: string, channelId: string, id: string) {
  const [row] = await db
    .update(backfills)
    .set({ status: "cancelled", finishedAt: new Date(), updatedAt: new Date() })
    .where(
      and(
        eq(backfills.id, id),
        eq(backfills.orgId, orgId),
        eq(backfills.channelId, channelId),
        eq(backfills.status, "running"),
      ),
    )
    .returning();
  return row;
}

/** A disconnected channel's running backfill stops at its next page instead of failing on missing tokens. */
export async function cancelRunningBackfills(db: Db, channelId: string, reason: string): Promise<void> {
  await db
    .update(backfills)
    .set({ status: "cancelled", error: reason, finishedAt: new Date(), updatedAt: new Date() })
    .where(and(eq(backfills.channelId, channelId), eq(backfills.status, "running")));
}

/** A run claims a running backfill by writing a fresh heartbeat; undefined if it is not running. */
export async function claimBackfill(db: Db, id: string, heartbeat: Date): Promise<BackfillRow | undefined> {
  const [row] = await db
    .update(backfills)
    .set({ heartbeatAt: heartbeat, updatedAt: heartbeat })
    .where(and(eq(backfills.id, id), eq(backfills.status, "running")))
    .returning();
  return row;
}

/** Where the backfill stands in each folder it has started. */
export async function readBackfillCursors(db: Db, id: string): Promise<BackfillCursors> {
  const rows = await db.select().from(backfillCursors).where(eq(backfillCursors.backfillId, id));
  return Object.fromEntries(rows.map(({ backfillId: _, folder, ...cursor }) => [folder, cursor]));
}

/**
 * Inside the page's transaction: the backfill's new positions, count and heartbeat — only while
 * the heartbeat is still `claimed` (undefined otherwise: the run lost its claim and must stop).
 */
export async function advanceBackfill(
  tx: Tx,
  id: string,
  claimed: Date,
  progress: { cursors: BackfillCursors; synced: number; total: number | null; heartbeatAt: Date },
): Promise<BackfillRow | undefined> {
  const { cursors, synced, total, heartbeatAt } = progress;
  const [row] = await tx
    .update(backfills)
    .set({ synced, total, heartbeatAt, updatedAt: heartbeatAt })
    .where(and(eq(backfills.id, id), eq(backfills.status, "running"), eq(backfills.heartbeatAt, claimed)))
    .returning();
  if (!row) return undefined;
  const rows = FOLLOWED_FOLDERS.flatMap((folder) => {
    const cursor = cursors[folder];
    return cursor ? [{ backfillId: id, folder, ...cursor }] : [];
  });
  if (rows.length > 0)
    await tx
      .insert(backfillCursors)
      .values(rows)
      .onConflictDoUpdate({
        target: [backfillCursors.backfillId, backfillCursors.folder],
        set: {
          nextLink: sql`excluded.next_link`,
          total: sql`excluded.total`,
          synced: sql`excluded.synced`,
          done: sql`excluded.done`,
        },
      });
  return row;
}

/** Ends a running backfill (only while `row`'s heartbeat still holds, when it has one). */
export async function finishBackfill(
  db: Db,
  row: BackfillRow,
  status: Exclude<BackfillStatus, "running">,
  error: string | null,
  extra: { synced?: number; total?: number } = {},
) {
  const now = new Date();
  const [updated] = await db
    .update(backfills)
    .set({ status, error, finishedAt: now, updatedAt: now, ...extra })
    .where(
      and(
        eq(backfills.id, row.id),
        eq(backfills.status, "running"),
        row.heartbeatAt ? eq(backfills.heartbeatAt, row.heartbeatAt) : sql`true`,
      ),
    )
    .returning();
  return updated;
}

/** Fails a running backfill with a reason the channel page shows (and tells the page). */
export async function failBackfill(deps: { db: Db; events: EventBus }, id: string, reason: string) {
  const now = new Date();
  const [row] = await deps.db
    .update(backfills)
    .set({ status: "failed", error: reason, finishedAt: now, updatedAt: now })
    .where(and(eq(backfills.id, id), eq(backfills.status, "running")))
    .returning();
  if (row) await publishBackfillProgress(deps, row);
  return row;
}

/**
 * Running backfills nobody is working on (their heartbeat went quiet: a worker died between
 * pages): the ones quiet for too long are failed, the others returned to be queued again.
 */
export async function staleBackfills(
  deps: { db: Db; events: EventBus },
  now = new Date(),
): Promise<BackfillRow[]> {
  const staleBefore = new Date(now.getTime() - BACKFILL_STALE_MS);
  const stale = await deps.db
    .select()
    .from(backfills)
    .where(
      and(
        eq(backfills.status, "running"),
        or(
          lt(backfills.heartbeatAt, staleBefore),
          and(isNull(backfills.heartbeatAt), lt(backfills.createdAt, staleBefore)),
        ),
      ),
    );
  const resumable: BackfillRow[] = [];
  for (const row of stale) {
    const last = row.heartbeatAt ?? row.createdAt;
    if (now.getTime() - last.getTime() > BACKFILL_GIVE_UP_MS)
      await failBackfill(deps, row.id, "The backfill stopped making progress; start it again");
    else resumable.push(row);
  }
  return resumable;
}

/** What the API and the progress events show (the contract's `Backfill`): no links, no cursors. */
export function backfillView(row: BackfillRow): Backfill {
  return {
    id: row.id,
    channelId: row.channelId,
    days: row.days,
    windowStart: row.windowStart.toISOString(),
    windowEnd: row.windowEnd.toISOString(),
    status: row.status,
    synced: row.synced,
    total: row.total,
    error: row.error,
    createdAt: row.createdAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
  };
}

/** Tells the channel page how a backfill is going. */
export async function publishBackfillProgress(deps: { events: EventBus }, row: BackfillRow) {
  const { channelId, id, synced, total, status, error } = backfillView(row);
  await deps.events.publish(row.orgId, {
    type: "sync.progress",
    data: { channelId, kind: "backfill", backfillId: id, synced, total, status, ...(error ? { error } : {}) },
  });
}
