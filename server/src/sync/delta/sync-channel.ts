import { randomUUID } from "node:crypto";
import { connectedChannelGraph } from "../../channels/channel-graph.ts";
import { FOLLOWED_FOLDERS, type FollowedFolder } from "../../mail/folders.ts";
import type { SyncReason } from "../job-messages.ts";
import { patchSyncState } from "../state/sync-state.ts";
import type { ChannelRef, SyncDeps } from "../sync-deps.ts";
import {
  extendSyncLease,
  finishSyncRound,
  releaseSyncLease,
  SYNC_LEASE_MS,
  SYNC_LEASE_RENEW_MS,
  takeSyncLease,
} from "./sync-lease.ts";
import { type FolderResult, syncRound } from "./sync-round.ts";

/** Rounds one run may chain for rerun requests before handing over to a fresh job. */
export const MAX_ROUNDS_PER_RUN = 10;

/** Why a sync was asked for; a notification's time becomes the channel's "last notification". */
export interface SyncRequest {
  reason?: SyncReason | undefined;
  notifiedAt?: string | undefined;
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
  // An access token already issued outlives a revoked refresh token or removed consent, so Graph
  // calls alone don't tell: the sweep redeems the refresh token once per interval, and a refusal
  // flags the channel (ChannelNeedsReauth) before any mail call (ADR 020).
  if (request.reason === "sweep") await found.graph.tokens(true);
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
