import { randomUUID } from "node:crypto";
import type { AccessTokenDeps } from "../channels/access-token.ts";
import { type ChannelGraph, connectedChannelGraph } from "../channels/channel-graph.ts";
import type { JobQueue } from "../jobs/queue.ts";
import type { Logger } from "../log.ts";
import { beginInitialRound, type FolderCursor, readCursors } from "../mail/cursors.ts";
import { FOLLOWED_FOLDERS, type FollowedFolder } from "../mail/folders.ts";
import { FILTERED_DELTA_CAP, type StoredPage, storeDeltaPage } from "../mail/store-page.ts";
import { batchItemError, sendBatch } from "../microsoft/batch.ts";
import {
  type DeltaPage,
  DeltaResetRequired,
  deltaPrefer,
  fetchDeltaPage,
  initialDeltaPath,
  isDeltaReset,
  readDeltaPage,
  windowCount,
  windowCountPath,
} from "../microsoft/delta.ts";
import { type GraphClient, GraphError } from "../microsoft/graph-client.ts";
import { reauthorizePath } from "../microsoft/subscriptions.ts";
import { dueReauthorizations, settleReauthorizations } from "./channel-subscriptions.ts";
import { extendSyncLease, finishSyncRound, releaseSyncLease, takeSyncLease } from "./delta/sync-lease.ts";
import { type ChannelRef, patchSyncState, readSyncState } from "./sync-state.ts";

/** A worker that dies mid-run blocks its channel for at most this long. */
export const SYNC_LEASE_MS = 30_000;
/** A run renews its lease this often while it works, so only a dead worker's lease lapses. */
export const SYNC_LEASE_RENEW_MS = 10_000;
/** Rounds one run may chain for rerun requests before handing over to a fresh job. */
export const MAX_ROUNDS_PER_RUN = 10;
/** Above this many changed conversations an event says "refetch the list" (null) instead. */
export const MAX_EVENT_CONVERSATIONS = 200;

export type SyncReason =
  | "notification"
  | "lifecycle"
  | "sweep"
  | "poll"
  | "connect"
  | "subscribed"
  | "manual";

/** Why a sync was asked for; a notification's time becomes the channel's "last notification". */
export interface SyncRequest {
  reason?: SyncReason | undefined;
  notifiedAt?: string | undefined;
}

export interface SyncDeps extends AccessTokenDeps {
  logger?: Logger;
  /** Who holds the lease (tests name two workers); a random id by default. */
  workerId?: string;
  /** The job queue, once started: work that follows up later (catch-up syncs, retries) is sent there. */
  queue?: () => Pick<JobQueue, "send">;
}

export interface FolderResult {
  upserted: number;
  removed: number;
  pages: number;
  /** Graph had dropped the delta state: this folder started over. */
  reset: boolean;
}

export type SyncResult =
  | { skipped: true; reason: "busy" | "not_connected" }
  | {
      skipped: false;
      /** Delta rounds run: more than one when syncs were asked for while it ran. */
      rounds: number;
      upserted: number;
      removed: number;
      folders: Record<FollowedFolder, FolderResult>;
      /** Still asked for another round when the run stopped at MAX_ROUNDS_PER_RUN: send a new job. */
      rerunPending: boolean;
    };

/**
 * One sync run for a channel: delta rounds over every followed folder, from the stored positions to
 * fresh delta links. At most one run per channel at a time across every worker (the lease). A sync
 * asked for while one runs is not dropped: it leaves a rerun note on the lease and the running
 * holder does one more round before letting go (ADR 010). Any worker can resume where another
 * stopped, since positions live in `sync_cursors`.
 */
export async function syncChannel(
  deps: SyncDeps,
  channelId: string,
  request: SyncRequest = {},
): Promise<SyncResult> {
  const holder = deps.workerId ?? randomUUID();
  const found = await connectedChannelGraph(deps, channelId);
  if (!found) return { skipped: true, reason: "not_connected" };
  const ref: ChannelRef = { orgId: found.channel.orgId, channelId };
  // "Last notification" is written with the round's own state update, or at once when another
  // worker holds the channel (its rerun covers this notification).
  const notified =
    request.reason === "notification" || request.reason === "lifecycle"
      ? { lastNotificationAt: notifiedAt(request.notifiedAt) }
      : {};
  if (!(await takeSyncLease(deps.db, channelId, holder, SYNC_LEASE_MS))) {
    if (notified.lastNotificationAt) await patchSyncState(deps.db, ref, notified);
    return { skipped: true, reason: "busy" };
  }
  deps.logger?.debug({ channelId, holder, reason: request.reason }, "sync lease taken");
  const renewal = setInterval(() => {
    extendSyncLease(deps.db, channelId, holder, SYNC_LEASE_MS).catch((err: unknown) =>
      deps.logger?.warn({ err, channelId }, "could not renew the sync lease"),
    );
  }, SYNC_LEASE_RENEW_MS);
  renewal.unref();

  const folders = Object.fromEntries(
    FOLLOWED_FOLDERS.map((f) => [f, { upserted: 0, removed: 0, pages: 0, reset: false }]),
  ) as Record<FollowedFolder, FolderResult>;
  let rounds = 0;
  let rerunPending = false;
  try {
    for (;;) {
      const round = await syncRound(deps, found.graph, ref, holder, {
        notified: rounds === 0 ? notified : {},
        // The sweep visits every channel every 15 minutes: it keeps their subscriptions authorized.
        reauthorizeAhead: rounds === 0 && request.reason === "sweep",
      });
      rounds++;
      for (const folder of FOLLOWED_FOLDERS) {
        const r = round[folder];
        folders[folder].upserted += r.upserted;
        folders[folder].removed += r.removed;
        folders[folder].pages += r.pages;
        folders[folder].reset ||= r.reset;
      }
      deps.logger?.debug({ channelId, holder, rounds }, "sync round ends");
      if ((await finishSyncRound(deps.db, channelId, holder, SYNC_LEASE_MS)) !== "rerun") break;
      if (rounds >= MAX_ROUNDS_PER_RUN) {
        await releaseSyncLease(deps.db, channelId, holder);
        rerunPending = true;
        break;
      }
    }
  } catch (err) {
    deps.logger?.debug({ channelId, holder, rounds }, "sync round ends");
    await releaseSyncLease(deps.db, channelId, holder).catch(() => undefined);
    if (rounds === 0 && notified.lastNotificationAt)
      await patchSyncState(deps.db, ref, notified).catch(() => undefined);
    throw err;
  } finally {
    clearInterval(renewal);
  }
  const results = Object.values(folders);
  const upserted = results.reduce((n, r) => n + r.upserted, 0);
  const removed = results.reduce((n, r) => n + r.removed, 0);
  deps.logger?.info(
    { orgId: ref.orgId, channelId, reason: request.reason, rounds, upserted, removed, holder },
    "channel synced",
  );
  return { skipped: false, rounds, upserted, removed, folders, rerunPending };
}

function notifiedAt(value: string | undefined): Date {
  const date = value ? new Date(value) : new Date();
  // A clock far ahead (or garbage) must not make "last notification" lie.
  return Number.isNaN(date.getTime()) || date.getTime() > Date.now() ? new Date() : date;
}

export interface FolderTarget extends ChannelRef {
  folder: FollowedFolder;
}

/** The first page of a folder's round, fetched ahead (in a batch) — or Graph's word that it reset. */
type Prefetched = { page: DeltaPage } | { reset: true };

interface InitialProgress {
  synced: number;
  total: number | null;
}

/**
 * One delta round over every followed folder. Routine rounds (every folder at a delta link) fetch
 * all first pages in one `$batch`, so an idle mailbox costs one Graph request per sweep. The
 * channel's first round (before `initial_synced_at`) reports progress after every page.
 */
async function syncRound(
  deps: SyncDeps,
  graph: ChannelGraph,
  ref: ChannelRef,
  holder: string,
  { notified, reauthorizeAhead }: { notified: { lastNotificationAt?: Date }; reauthorizeAhead: boolean },
) {
  const cursors = await readCursors(deps.db, ref.channelId);
  const state = await readSyncState(deps.db, ref.channelId);
  let progress: InitialProgress | undefined;
  if (!state?.initialSyncedAt) {
    const fresh = FOLLOWED_FOLDERS.every((f) => !cursors.get(f)?.deltaLink && !cursors.get(f)?.nextLink);
    let total = state?.initialTotal ?? null;
    if (fresh || total === null) {
      total = await countInitialWindow(deps, graph);
      if (total !== null) await patchSyncState(deps.db, ref, { initialTotal: total });
    }
    const synced = fresh ? 0 : [...cursors.values()].reduce((n, c) => n + c.messagesSeen, 0);
    progress = { synced, total };
  }

  const routine = FOLLOWED_FOLDERS.every((f) => cursors.get(f)?.deltaLink && !cursors.get(f)?.nextLink);
  // The sweep's batch also carries the reauthorizations that are coming due (channel-subscriptions.ts).
  const reauthorize =
    routine && reauthorizeAhead
      ? await dueReauthorizations(deps, graph, ref.channelId)
      : { ids: [], until: null };
  const prefetched = routine ? await firstPagesInOneBatch(deps, graph, cursors, reauthorize) : new Map();

  const round = {} as Record<FollowedFolder, FolderResult>;
  for (const folder of FOLLOWED_FOLDERS) {
    const cursor = cursors.get(folder);
    const start =
      cursor?.nextLink ?? cursor?.deltaLink ?? (await startInitialRound(deps, { ...ref, folder }));
    round[folder] = await syncFolder(deps, graph, { ...ref, folder }, holder, start, {
      prefetched: prefetched.get(folder),
      progress,
      routine: !cursor?.nextLink && start === cursor?.deltaLink,
    });
  }

  const now = new Date();
  await patchSyncState(deps.db, ref, {
    ...notified,
    lastDeltaAt: now,
    ...(progress ? { initialSyncedAt: now } : {}),
  });
  if (progress) await publishProgress(deps, ref, progress, "done");
  return round;
}

/**
 * Pages from `start` to a delta link, publishing each committed page. A 410 / SyncStateNotFound
 * means Graph dropped the state: clear the cursor and start a fresh initial sync — the keyed
 * upserts make the replay harmless. Once per round, so a Graph that keeps refusing surfaces as an
 * error, not a loop. https://learn.microsoft.com/graph/delta-query-overview#synchronization-reset
 */
async function syncFolder(
  deps: SyncDeps,
  graph: GraphClient,
  target: FolderTarget,
  holder: string,
  start: string,
  {
    prefetched,
    progress,
    routine: fromDeltaLink,
  }: { prefetched: Prefetched | undefined; progress: InitialProgress | undefined; routine: boolean },
): Promise<FolderResult> {
  const result: FolderResult = { upserted: 0, removed: 0, pages: 0, reset: false };
  let path = start;
  let ahead = prefetched;
  for (;;) {
    let page: DeltaPage;
    try {
      if (ahead && "reset" in ahead) throw new DeltaResetRequired("Graph dropped the delta state");
      page = ahead ? ahead.page : await fetchDeltaPage(graph, path);
    } catch (err) {
      if (!(err instanceof DeltaResetRequired) || result.reset) throw err;
      deps.logger?.warn(
        { channelId: target.channelId, folder: target.folder },
        "delta state gone: resyncing",
      );
      result.reset = true;
      path = await startInitialRound(deps, target);
      continue;
    } finally {
      ahead = undefined;
    }
    const stored = await storeDeltaPage(deps.db, target, page, {
      backfillDays: deps.config.sync.backfillDays,
      // A reset starts an initial round: its end is reconciled.
      routine: fromDeltaLink && !result.reset,
    });
    result.pages++;
    result.upserted += stored.upserted;
    result.removed += stored.removed;
    await publishPage(deps, target, stored);
    if (progress) {
      progress.synced += page.messages.length;
      await publishProgress(deps, target, progress, "running");
    }
    if (page.deltaLink) return result;
    if (!page.next) throw new Error("Graph returned a delta page with neither nextLink nor deltaLink");
    if (!(await extendSyncLease(deps.db, target.channelId, holder, SYNC_LEASE_MS)))
      throw new Error("Lost the channel's sync lease mid-run");
    path = page.next;
  }
}

/**
 * Both folders' routine first pages in one `POST /$batch` (per-item 429s retried in sendBatch).
 * An item still throttled after that ends the run as throttled (the job comes back after its
 * Retry-After — asking again at once would ignore it); a folder whose item failed otherwise is
 * fetched again with a plain GET, which has its own errors; so is everything when the batch
 * itself fails. https://learn.microsoft.com/graph/json-batching
 */
async function firstPagesInOneBatch(
  deps: SyncDeps,
  graph: GraphClient,
  cursors: Map<string, FolderCursor>,
  reauthorize: { ids: string[]; until: Date | null },
): Promise<Map<FollowedFolder, Prefetched>> {
  const pages = new Map<FollowedFolder, Prefetched>();
  try {
    const answers = await sendBatch(
      graph,
      [
        ...FOLLOWED_FOLDERS.map((folder) => ({
          id: folder,
          method: "GET" as const,
          url: cursors.get(folder)!.deltaLink!,
          headers: { Prefer: deltaPrefer() },
        })),
        ...reauthorize.ids.map((id, i) => ({
          id: `reauthorize-${i}`,
          method: "POST" as const,
          url: reauthorizePath(id),
        })),
      ],
      // Reading a delta page and reauthorizing can both be asked again.
      { repeatable: true },
    );
    await settleReauthorizations(
      deps,
      reauthorize.ids.map((id, i) => ({ id, status: answers[FOLLOWED_FOLDERS.length + i]!.status })),
      reauthorize.until,
    );
    for (const [i, answer] of answers.slice(0, FOLLOWED_FOLDERS.length).entries()) {
      const folder = FOLLOWED_FOLDERS[i]!;
      if (answer.status === 200) pages.set(folder, { page: readDeltaPage(graph, answer.body) });
      else if (THROTTLED.has(answer.status)) throw new Throttled(batchItemError(answer));
      else if (isDeltaReset(batchItemError(answer))) pages.set(folder, { reset: true });
    }
  } catch (err) {
    if (err instanceof Throttled) throw err.error;
    if (!(err instanceof GraphError)) throw err;
    deps.logger?.warn(
      { code: err.code, status: err.status },
      "delta batch failed: fetching folder by folder",
    );
    pages.clear();
  }
  return pages;
}

const THROTTLED = new Set([429, 503, 504]);

class Throttled {
  constructor(readonly error: GraphError) {}
}

/**
 * Graph's count of messages in the initial window of every followed folder, in one batch; each
 * folder capped at what a filtered delta returns. Null when Graph won't say (the bar then shows
 * an indeterminate state).
 */
async function countInitialWindow(deps: SyncDeps, graph: GraphClient): Promise<number | null> {
  const since = windowStart(deps);
  try {
    const answers = await sendBatch(
      graph,
      FOLLOWED_FOLDERS.map((folder) => ({
        id: folder,
        method: "GET" as const,
        url: windowCountPath(folder, since),
        headers: { Prefer: 'IdType="ImmutableId"' },
      })),
    );
    let total = 0;
    for (const answer of answers) {
      const parsed = windowCount.safeParse(answer.body);
      if (answer.status !== 200 || !parsed.success) return null;
      total += Math.min(parsed.data["@odata.count"], FILTERED_DELTA_CAP);
    }
    return total;
  } catch (err) {
    if (!(err instanceof GraphError)) throw err;
    return null;
  }
}

/** The live inbox's cue: which conversations changed, after each committed page. */
async function publishPage(deps: SyncDeps, target: FolderTarget, stored: StoredPage) {
  if (stored.conversationIds.length === 0) return;
  await deps.events.publish(target.orgId, {
    type: "conversations.updated",
    data: {
      channelId: target.channelId,
      conversationIds:
        stored.conversationIds.length > MAX_EVENT_CONVERSATIONS ? null : stored.conversationIds,
    },
  });
}

async function publishProgress(
  deps: SyncDeps,
  ref: ChannelRef,
  progress: InitialProgress,
  status: "running" | "done",
) {
  const synced = progress.total === null ? progress.synced : Math.min(progress.synced, progress.total);
  await deps.events.publish(ref.orgId, {
    type: "sync.progress",
    data: { channelId: ref.channelId, kind: "initial", synced, total: progress.total, status },
  });
}

function windowStart(deps: SyncDeps): Date {
  return new Date(Date.now() - deps.config.sync.backfillDays * 24 * 60 * 60 * 1000);
}

/**
 * A folder's initial round (first sync, or Graph dropped the delta state): the store forgets the
 * position and says where the round's window starts (mail/cursors.ts); the round's first request
 * asks for that window, newest first (microsoft/delta.ts).
 */
export async function startInitialRound(deps: SyncDeps, target: FolderTarget): Promise<string> {
  const since = await beginInitialRound(deps.db, target, deps.config.sync.backfillDays);
  return initialDeltaPath(target.folder, { receivedSince: since });
}
