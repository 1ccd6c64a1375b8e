import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { type AccessTokenDeps, channelAccessToken } from "../channels/access-token.ts";
import { channels } from "../channels/schema.ts";
import type { Logger } from "../log.ts";
import { syncCursors } from "../mail/schema.ts";
import { type StoredPage, storeDeltaPage } from "../mail/store-page.ts";
import { extendSyncLease, releaseSyncLease, takeSyncLease } from "../mail/sync-lease.ts";
import {
  DeltaResetRequired,
  type FollowedFolder,
  fetchDeltaPage,
  initialDeltaPath,
} from "../microsoft/delta.ts";
import { createGraphClient, type GraphClient } from "../microsoft/graph-client.ts";

/** The folders ADR 009 follows. */
export const FOLLOWED_FOLDERS: readonly FollowedFolder[] = ["inbox", "sentitems"];
/** A worker that dies mid-run blocks its channel for at most this long. */
export const SYNC_LEASE_MS = 5 * 60 * 1000;
/** How far back a first (or reset) sync reaches; older mail is the backfill's job. */
export const INITIAL_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;

export interface SyncDeps extends AccessTokenDeps {
  logger?: Logger;
  /** Who holds the lease (tests name two workers); a random id by default. */
  workerId?: string;
}

export interface FolderResult extends StoredPage {
  pages: number;
  /** Graph had dropped the delta state: this folder started over. */
  reset: boolean;
}

export type SyncResult =
  | { skipped: true; reason: "busy" | "not_connected" }
  | { skipped: false; upserted: number; removed: number; folders: Record<FollowedFolder, FolderResult> };

/**
 * One delta run for a channel: every followed folder from its stored position to a fresh delta
 * link. At most one run per channel at a time across every worker (the lease); any worker can
 * resume where another stopped, since the position lives in `sync_cursors`.
 */
export async function syncChannel(deps: SyncDeps, channelId: string): Promise<SyncResult> {
  const holder = deps.workerId ?? randomUUID();
  if (!(await takeSyncLease(deps.db, channelId, holder, SYNC_LEASE_MS)))
    return { skipped: true, reason: "busy" };
  try {
    const [channel] = await deps.db.select().from(channels).where(eq(channels.id, channelId)).limit(1);
    if (channel?.status !== "connected") return { skipped: true, reason: "not_connected" };
    const graph = createGraphClient({
      graphUrl: deps.config.microsoft.graphUrl,
      accessToken: channelAccessToken(deps, channel),
    });
    const target = { orgId: channel.orgId, channelId };
    const folders = {} as Record<FollowedFolder, FolderResult>;
    for (const folder of FOLLOWED_FOLDERS) {
      folders[folder] = await syncFolder(deps, graph, { ...target, folder }, holder);
    }
    const results = Object.values(folders);
    const upserted = results.reduce((n, r) => n + r.upserted, 0);
    const removed = results.reduce((n, r) => n + r.removed, 0);
    if (upserted + removed > 0) {
      await deps.events.publish(channel.orgId, {
        type: "conversations.updated",
        data: { channelId, count: upserted + removed },
      });
    }
    deps.logger?.info({ orgId: channel.orgId, channelId, upserted, removed }, "channel synced");
    return { skipped: false, upserted, removed, folders };
  } finally {
    await releaseSyncLease(deps.db, channelId, holder);
  }
}

interface FolderTarget {
  orgId: string;
  channelId: string;
  folder: FollowedFolder;
}

/**
 * Pages from the stored position to a delta link. A 410 / SyncStateNotFound means Graph dropped
 * the state: clear the cursor and start a fresh initial sync — the keyed upserts make the replay
 * harmless. Once per run, so a Graph that keeps refusing surfaces as an error, not a loop.
 * https://learn.microsoft.com/graph/delta-query-overview#synchronization-reset
 */
async function syncFolder(deps: SyncDeps, graph: GraphClient, target: FolderTarget, holder: string) {
  const result: FolderResult = { upserted: 0, removed: 0, pages: 0, reset: false };
  let path = await startPath(deps, target);
  for (;;) {
    let page: Awaited<ReturnType<typeof fetchDeltaPage>>;
    try {
      page = await fetchDeltaPage(graph, path);
    } catch (err) {
      if (!(err instanceof DeltaResetRequired) || result.reset) throw err;
      deps.logger?.warn(
        { channelId: target.channelId, folder: target.folder },
        "delta state gone: resyncing",
      );
      result.reset = true;
      await clearCursor(deps, target);
      path = initialPath(target.folder);
      continue;
    }
    const stored = await storeDeltaPage(deps.db, target, page);
    result.pages++;
    result.upserted += stored.upserted;
    result.removed += stored.removed;
    if (page.deltaLink) return result;
    if (!page.next) throw new Error("Graph returned a delta page with neither nextLink nor deltaLink");
    if (!(await extendSyncLease(deps.db, target.channelId, holder, SYNC_LEASE_MS)))
      throw new Error("Lost the channel's sync lease mid-run");
    path = page.next;
  }
}

/** Resume a round in progress, else start the next round, else the first sync. */
async function startPath(deps: SyncDeps, target: FolderTarget): Promise<string> {
  const [cursor] = await deps.db
    .select()
    .from(syncCursors)
    .where(and(eq(syncCursors.channelId, target.channelId), eq(syncCursors.folder, target.folder)))
    .limit(1);
  return cursor?.nextLink ?? cursor?.deltaLink ?? initialPath(target.folder);
}

function initialPath(folder: FollowedFolder): string {
  return initialDeltaPath(folder, { receivedSince: new Date(Date.now() - INITIAL_WINDOW_MS) });
}

async function clearCursor(deps: SyncDeps, target: FolderTarget): Promise<void> {
  await deps.db
    .update(syncCursors)
    .set({ deltaLink: null, nextLink: null })
    .where(and(eq(syncCursors.channelId, target.channelId), eq(syncCursors.folder, target.folder)));
}
