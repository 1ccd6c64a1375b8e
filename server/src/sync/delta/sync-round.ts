import type { ChannelGraph } from "../../channels/channel-graph.ts";
import { publishConversationsChanged } from "../../mail/conversations-changed.ts";
import { beginInitialRound, readCursors } from "../../mail/cursors.ts";
import { FOLLOWED_FOLDERS, type FollowedFolder } from "../../mail/folders.ts";
import { storeDeltaPage } from "../../mail/store-page.ts";
import {
  type DeltaPage,
  DeltaResetRequired,
  fetchDeltaPage,
  initialDeltaPath,
} from "../../microsoft/delta.ts";
import type { GraphClient } from "../../microsoft/graph-client.ts";
import { patchSyncState, readSyncState } from "../state/sync-state.ts";
import { dueReauthorizations } from "../subscriptions/reauthorize.ts";
import type { ChannelRef, SyncDeps } from "../sync-deps.ts";
import { countInitialWindow, firstPagesInOneBatch, type Prefetched } from "./first-pages.ts";
import { extendSyncLease, SYNC_LEASE_MS } from "./sync-lease.ts";
import { type InitialProgress, publishProgress } from "./sync-progress.ts";

export interface FolderResult {
  upserted: number;
  removed: number;
  pages: number;
  /** Graph had dropped the delta state: this folder started over. */
  reset: boolean;
}

export interface FolderTarget extends ChannelRef {
  folder: FollowedFolder;
}

/**
 * One delta round over every followed folder. Routine rounds (every folder at a delta link) fetch
 * all first pages in one `$batch`, so an idle mailbox costs one Graph request per sweep. The
 * channel's first round (before `initial_synced_at`) reports progress after every page.
 */
export async function syncRound(
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
  // The sweep's batch also carries the reauthorizations that are coming due (subscriptions/reauthorize.ts).
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
    await publishConversationsChanged(deps.events, target, stored.conversationIds);
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
 * A folder's initial round (first sync, or Graph dropped the delta state): the store forgets the
 * position and says where the round's window starts (mail/cursors.ts); the round's first request
 * asks for that window, newest first (microsoft/delta.ts).
 */
export async function startInitialRound(deps: SyncDeps, target: FolderTarget): Promise<string> {
  const since = await beginInitialRound(deps.db, target, deps.config.sync.backfillDays);
  return initialDeltaPath(target.folder, { receivedSince: since });
}
