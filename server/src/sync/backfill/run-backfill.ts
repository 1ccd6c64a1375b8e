import { and, desc, eq, isNull, lt, or, sql } from "drizzle-orm";
import type { AccessTokenDeps } from "../channels/access-token.ts";
import { channelGraphClient } from "../channels/channel-graph.ts";
import { findChannelById } from "../channels/channel-store.ts";
import type { Db } from "../db/client.ts";
import { conflict } from "../errors.ts";
import type { Logger } from "../log.ts";
import { FOLLOWED_FOLDERS, type FollowedFolder } from "../mail/folders.ts";
import { insertHistoryPage } from "../mail/store-history.ts";
import { type GraphClient, GraphError } from "../microsoft/graph-client.ts";
import { fetchMessageList, listMessagesPath, type MessageListPage } from "../microsoft/list-messages.ts";
import { type BackfillFolderCursor, backfills } from "./schema.ts";
import { MAX_EVENT_CONVERSATIONS } from "./sync-channel.ts";

/**
 * "Sync older mail": imports the mail a channel's folders received in a past window, newest first,
 * alongside the live sync and resumable after a crash.
 *
 * The window is [requested − days, requested): the last `days` days as of the request. It overlaps
 * what the live delta covers (its initial round takes the last BACKFILL_DAYS, and at most 5,000
 * messages per folder): that is deliberate — a mailbox busier than 5,000 messages in that span gets
 * the rest here, and messages already stored are skipped (never overwritten: the live delta is the
 * truth for what it wrote), so the overlap costs one list request per 1,000 messages and no writes.
 * Mail that arrives after the request is the live delta's.
 *
 * Per followed folder it pages the folder's message list for the window, newest first, with
 * everything the store needs (microsoft/list-messages.ts), so nothing is fetched per message; the
 * first page's `@odata.count` gives the folder's total. The next page is fetched while the current
 * one is stored. Each page is stored with the folder's cursor (Graph's next link) and a heartbeat
 * in one transaction, so a crash resumes at the next page.
 *
 * Ownership: whoever runs a backfill claims it by writing a fresh heartbeat; every commit checks
 * the heartbeat is still the one it wrote, so a job that lost its claim (a stale one picked up
 * again, a cancel) stops at its next page without writing. It never takes the sync lease.
 */
export const BACKFILL_CHOICES = [7, 30, 90] as const;
export type BackfillDays = (typeof BACKFILL_CHOICES)[number];

/** A running backfill whose heartbeat is older than this is picked up again. */
export const BACKFILL_STALE_MS = 3 * 60 * 1000;
/** …unless it has made no progress for this long: then it is failed, not retried for ever. */
export const BACKFILL_GIVE_UP_MS = 60 * 60 * 1000;

export type BackfillRow = typeof backfills.$inferSelect;
export type BackfillStatus = "running" | "done" | "failed" | "cancelled";

export interface BackfillDeps extends AccessTokenDeps {
  logger?: Logger;
}

/** What the API and the progress events show: no links, no cursors. */
export interface BackfillView {
  id: string;
  channelId: string;
  days: number;
  windowStart: string;
  windowEnd: string;
  status: BackfillStatus;
  synced: number;
  total: number | null;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
}

export function backfillView(row: BackfillRow): BackfillView {
  return {
    id: row.id,
    channelId: row.channelId,
    days: row.days,
    windowStart: row.windowStart.toISOString(),
    windowEnd: row.windowEnd.toISOString(),
    status: row.status as BackfillStatus,
    synced: row.synced,
    total: row.total,
    error: row.error,
    createdAt: row.createdAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
  };
}

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

export async function publishBackfillProgress(deps: Pick<AccessTokenDeps, "events">, row: BackfillRow) {
  await deps.events.publish(row.orgId, {
    type: "sync.progress",
    data: {
      channelId: row.channelId,
      kind: "backfill",
      backfillId: row.id,
      synced: row.synced,
      total: row.total,
      status: row.status,
      ...(row.error ? { error: row.error } : {}),
    },
  });
}

interface FetchedPage extends MessageListPage {
  folder: FollowedFolder;
}

async function fetchPage(graph: GraphClient, folder: FollowedFolder, path: string): Promise<FetchedPage> {
  return { folder, ...(await fetchMessageList(graph, path)) };
}

/** This run no longer owns the backfill (cancelled, finished, or claimed by a newer run). */
class ClaimLost extends Error {}
/** The job was taken away from this worker (shutting down): the next one resumes from the cursor. */
class BackfillAborted extends Error {}

/** The page, unless the job is aborted first (a request may hang; the shutdown must not wait on it). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(new BackfillAborted());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new BackfillAborted());
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(err);
      },
    );
  });
}

export type BackfillOutcome =
  | "done"
  | "cancelled"
  | "superseded"
  | "aborted"
  | "not_running"
  | "channel_gone";

/**
 * Runs (or resumes) one backfill to the end. Graph errors propagate to the job, which decides
 * between retrying later and failing the backfill.
 */
export async function runBackfill(
  deps: BackfillDeps,
  backfillId: string,
  signal?: AbortSignal,
): Promise<BackfillOutcome> {
  const { db } = deps;
  let heartbeat = new Date();
  const [claimed] = await db
    .update(backfills)
    .set({ heartbeatAt: heartbeat, updatedAt: heartbeat })
    .where(and(eq(backfills.id, backfillId), eq(backfills.status, "running")))
    .returning();
  if (!claimed) return "not_running";
  const channel = await findChannelById(db, claimed.channelId);
  if (channel?.status !== "connected") {
    const failed = await finish(db, claimed, "failed", "The channel is not connected");
    if (failed) await publishBackfillProgress(deps, failed);
    return "channel_gone";
  }
  const graph = channelGraphClient(deps, channel);
  const cursors: Record<string, BackfillFolderCursor> = { ...claimed.cursors };
  let synced = claimed.synced;
  /** Known once every folder's first page has reported its count (a partial sum would mislead the bar). */
  const total = () => {
    const known = FOLLOWED_FOLDERS.map((f) => cursors[f]?.total);
    return known.every((t) => t !== undefined) ? known.reduce<number>((sum, t) => sum + (t ?? 0), 0) : null;
  };

  // Every unfinished folder's next page is asked for at once; after that each folder's next page is
  // fetched while its current one is stored.
  const pending = new Map<FollowedFolder, Promise<FetchedPage>>();
  /** Counts reported by first pages not stored yet, so the total covers every folder early. */
  const counted = new Map<FollowedFolder, number>();
  const request = (folder: FollowedFolder, path: string) => {
    const promise = fetchPage(graph, folder, path);
    promise.then(
      (page) => page.count !== undefined && counted.set(folder, page.count),
      () => {}, // observed when awaited; never an unhandled rejection if abandoned
    );
    pending.set(folder, promise);
  };
  for (const folder of FOLLOWED_FOLDERS) {
    const cursor = cursors[folder];
    if (cursor?.done) continue;
    const first = listMessagesPath(folder, { from: claimed.windowStart, before: claimed.windowEnd });
    request(folder, cursor?.nextLink ?? first);
  }

  try {
    // Pages are stored as they arrive, whichever folder they belong to: a slow page of one folder
    // holds up neither the others nor the total their first pages report.
    while (pending.size > 0) {
      const page = await untilAborted(Promise.race(pending.values()), signal);
      const { folder } = page;
      pending.delete(folder);
      if (page.next) request(folder, page.next);
      const before = cursors[folder] ?? { synced: 0, done: false };
      cursors[folder] = {
        ...before,
        ...(page.count !== undefined ? { total: page.count } : {}),
        synced: before.synced + page.messages.length,
        nextLink: page.next ?? null,
        done: !page.next,
      };
      for (const [other, count] of counted) {
        if (other !== folder && cursors[other]?.total === undefined)
          cursors[other] = { ...(cursors[other] ?? { synced: 0, done: false }), total: count };
      }
      synced += page.messages.length;
      const next = new Date(Math.max(Date.now(), heartbeat.getTime() + 1));
      const { row, conversationIds } = await db.transaction(async (tx) => {
        const [row] = await tx
          .update(backfills)
          .set({
            cursors: { ...cursors },
            synced,
            total: total(),
            heartbeatAt: next,
            updatedAt: next,
          })
          .where(
            and(
              eq(backfills.id, backfillId),
              eq(backfills.status, "running"),
              eq(backfills.heartbeatAt, heartbeat),
            ),
          )
          .returning();
        if (!row) throw new ClaimLost();
        const stored = await insertHistoryPage(
          tx,
          { orgId: row.orgId, channelId: row.channelId, folder },
          page.messages,
        );
        return { row, conversationIds: stored.conversationIds };
      });
      heartbeat = next;
      await publishBackfillProgress(deps, row);
      if (conversationIds.length > 0)
        await deps.events.publish(row.orgId, {
          type: "conversations.updated",
          data: {
            channelId: row.channelId,
            conversationIds: conversationIds.length > MAX_EVENT_CONVERSATIONS ? null : conversationIds,
          },
        });
    }
  } catch (err) {
    if (err instanceof ClaimLost) return outcomeOfLostClaim(db, backfillId);
    if (err instanceof BackfillAborted) return "aborted";
    throw err;
  }

  const done = await finish(db, { ...claimed, heartbeatAt: heartbeat }, "done", null, {
    synced,
    total: total() ?? synced,
  });
  if (!done) return outcomeOfLostClaim(db, backfillId);
  await publishBackfillProgress(deps, done);
  deps.logger?.info(
    { channelId: done.channelId, backfillId, synced: done.synced, days: done.days },
    "backfill done",
  );
  return "done";
}

async function outcomeOfLostClaim(db: Db, id: string): Promise<BackfillOutcome> {
  const [row] = await db.select({ status: backfills.status }).from(backfills).where(eq(backfills.id, id));
  return row?.status === "cancelled" ? "cancelled" : "superseded";
}

/** Ends a running backfill (only while `row`'s heartbeat still holds, when it has one). */
async function finish(
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
export async function failBackfill(deps: BackfillDeps, id: string, reason: string) {
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
export async function staleBackfills(deps: BackfillDeps, now = new Date()): Promise<BackfillRow[]> {
  const stale = await deps.db
    .select()
    .from(backfills)
    .where(
      and(
        eq(backfills.status, "running"),
        or(
          lt(backfills.heartbeatAt, new Date(now.getTime() - BACKFILL_STALE_MS)),
          and(
            isNull(backfills.heartbeatAt),
            lt(backfills.createdAt, new Date(now.getTime() - BACKFILL_STALE_MS)),
          ),
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

/** A Graph error the backfill cannot get past by waiting (bad request, no permission…). */
export function isPermanentGraphError(err: unknown): err is GraphError {
  return (
    err instanceof GraphError &&
    err.status >= 400 &&
    err.status < 500 &&
    err.status !== 429 &&
    err.status !== 408
  );
}
