import type { ChannelRef, SyncDeps } from "../sync-deps.ts";

/** How far the channel's first sync got: messages stored so far, and Graph's count of the window. */
export interface InitialProgress {
  synced: number;
  total: number | null;
}

/** Tells the channel page how the first sync is going (after every page, and once at the end). */
export async function publishProgress(
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
