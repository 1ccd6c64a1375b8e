import { channelGraphClient } from "../../channels/channel-graph.ts";
import { findChannelById } from "../../channels/channel-store.ts";
import { publishConversationsChanged } from "../../mail/conversations-changed.ts";
import { FOLLOWED_FOLDERS, type FollowedFolder } from "../../mail/folders.ts";
import { insertHistoryPage } from "../../mail/store-history.ts";
import type { GraphClient } from "../../microsoft/graph-client.ts";
import { fetchMessageList, listMessagesPath, type MessageListPage } from "../../microsoft/list-messages.ts";
import type { SyncDeps } from "../sync-deps.ts";
import { advanceCursors, type BackfillCursors, backfillTotal } from "./backfill-cursors.ts";
import {
  advanceBackfill,
  type BackfillRow,
  claimBackfill,
  findBackfill,
  finishBackfill,
  publishBackfillProgress,
  readBackfillCursors,
} from "./backfill-store.ts";

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

interface FetchedPage extends MessageListPage {
  folder: FollowedFolder;
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

/** What a run has done so far: its claim (the heartbeat it last wrote) and its position. */
interface Run {
  backfill: BackfillRow;
  heartbeat: Date;
  cursors: BackfillCursors;
  synced: number;
}

/**
 * Runs (or resumes) one backfill to the end. Graph errors propagate to the job, which decides
 * between retrying later and failing the backfill.
 */
export async function runBackfill(
  deps: SyncDeps,
  backfillId: string,
  signal?: AbortSignal,
): Promise<BackfillOutcome> {
  const claimed = await claimBackfill(deps.db, backfillId, new Date());
  if (!claimed) return "not_running";
  const channel = await findChannelById(deps.db, claimed.channelId);
  if (channel?.status !== "connected") {
    const failed = await finishBackfill(deps.db, claimed, "failed", "The channel is not connected");
    if (failed) await publishBackfillProgress(deps, failed);
    return "channel_gone";
  }
  const run: Run = {
    backfill: claimed,
    heartbeat: claimed.heartbeatAt!,
    cursors: await readBackfillCursors(deps.db, claimed.id),
    synced: claimed.synced,
  };
  try {
    await importPages(deps, channelGraphClient(deps, channel), run, signal);
  } catch (err) {
    if (err instanceof ClaimLost) return outcomeOfLostClaim(deps, backfillId);
    if (err instanceof BackfillAborted) return "aborted";
    throw err;
  }
  const done = await finishBackfill(deps.db, { ...claimed, heartbeatAt: run.heartbeat }, "done", null, {
    synced: run.synced,
    total: backfillTotal(run.cursors) ?? run.synced,
  });
  if (!done) return outcomeOfLostClaim(deps, backfillId);
  await publishBackfillProgress(deps, done);
  deps.logger?.info(
    { channelId: done.channelId, backfillId, synced: done.synced, days: done.days },
    "backfill done",
  );
  return "done";
}

/**
 * Every unfinished folder's next page is asked for at once; after that each folder's next page is
 * fetched while its current one is stored. Pages are stored as they arrive, whichever folder they
 * belong to: a slow page of one folder holds up neither the others nor the total their first pages
 * report.
 */
async function importPages(deps: SyncDeps, graph: GraphClient, run: Run, signal?: AbortSignal) {
  const pending = new Map<FollowedFolder, Promise<FetchedPage>>();
  /** Counts reported by first pages not stored yet, so the total covers every folder early. */
  const counted = new Map<FollowedFolder, number>();
  const request = (folder: FollowedFolder, path: string) => {
    const promise = fetchMessageList(graph, path).then((page) => ({ folder, ...page }));
    promise.then(
      (page) => page.count !== undefined && counted.set(folder, page.count),
      () => {}, // observed when awaited; never an unhandled rejection if abandoned
    );
    pending.set(folder, promise);
  };
  const window = { from: run.backfill.windowStart, before: run.backfill.windowEnd };
  for (const folder of FOLLOWED_FOLDERS) {
    const cursor = run.cursors[folder];
    if (!cursor?.done) request(folder, cursor?.nextLink ?? listMessagesPath(folder, window));
  }
  while (pending.size > 0) {
    const page = await untilAborted(Promise.race(pending.values()), signal);
    pending.delete(page.folder);
    if (page.next) request(page.folder, page.next);
    await storePage(deps, run, page, counted);
  }
}

/** The page's messages and the backfill's new position in one transaction, then the live cues. */
async function storePage(
  deps: SyncDeps,
  run: Run,
  page: FetchedPage,
  counted: ReadonlyMap<FollowedFolder, number>,
) {
  const cursors = advanceCursors(run.cursors, { ...page, messages: page.messages.length }, counted);
  const synced = run.synced + page.messages.length;
  const heartbeatAt = new Date(Math.max(Date.now(), run.heartbeat.getTime() + 1));
  const { row, conversationIds } = await deps.db.transaction(async (tx) => {
    const progress = { cursors, synced, total: backfillTotal(cursors), heartbeatAt };
    const row = await advanceBackfill(tx, run.backfill.id, run.heartbeat, progress);
    if (!row) throw new ClaimLost();
    const target = { orgId: row.orgId, channelId: row.channelId, folder: page.folder };
    const stored = await insertHistoryPage(tx, target, page.messages);
    return { row, conversationIds: stored.conversationIds };
  });
  Object.assign(run, { cursors, synced, heartbeat: heartbeatAt });
  await publishBackfillProgress(deps, row);
  await publishConversationsChanged(deps.events, row, conversationIds);
}

async function outcomeOfLostClaim(deps: SyncDeps, id: string): Promise<BackfillOutcome> {
  const row = await findBackfill(deps.db, id);
  return row?.status === "cancelled" ? "cancelled" : "superseded";
}
