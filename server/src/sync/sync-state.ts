import { and, desc, eq, lt, notInArray } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { type ChannelSyncStateRow, channelSyncState, syncErrors } from "./schema.ts";

/**
 * The channel's sync health record (`channel_sync_state` + `sync_errors`): every sync job writes
 * here through these functions, the channel page and Settings > Channels read it. Writes are
 * upserts keyed by channel, so any job may be the first to touch a channel.
 */
export interface ChannelRef {
  orgId: string;
  channelId: string;
}

export type SyncMode = "webhook" | "polling";
export type PollingReason =
  | "public_url_not_public"
  | "webhooks_off"
  | "subscription_refused"
  | "subscription_lapsed";
export type SyncErrorKind = "delta" | "subscription" | "backfill" | "renewal" | "throttled";

/** How many recent errors a channel keeps. */
export const KEPT_ERRORS = 20;

type StatePatch = Partial<Omit<ChannelSyncStateRow, "channelId" | "orgId" | "updatedAt">>;

export async function patchSyncState(db: Db, ref: ChannelRef, patch: StatePatch): Promise<void> {
  const set = { ...patch, updatedAt: new Date() };
  await db
    .insert(channelSyncState)
    .values({ channelId: ref.channelId, orgId: ref.orgId, ...set })
    .onConflictDoUpdate({ target: channelSyncState.channelId, set });
}

/** Webhooks work for this channel (again). */
export function markWebhookMode(db: Db, ref: ChannelRef): Promise<void> {
  return patchSyncState(db, ref, {
    mode: "webhook",
    pollingReason: null,
    pollingDetail: null,
    webhookRetryAt: null,
  });
}

/** The channel polls, and says why; `retryAt` is when to try webhooks again (if ever). */
export function markPollingMode(
  db: Db,
  ref: ChannelRef,
  reason: PollingReason,
  detail: string | null,
  retryAt: Date | null,
): Promise<void> {
  return patchSyncState(db, ref, {
    mode: "polling",
    pollingReason: reason,
    pollingDetail: detail === null ? null : detail.slice(0, 500),
    webhookRetryAt: retryAt,
  });
}

/**
 * Keeps one error, and trims the channel's list to the newest KEPT_ERRORS. Messages are Graph's
 * error code and text or our own — never tokens, secrets or URLs with credentials.
 */
export async function recordSyncError(
  db: Db,
  ref: ChannelRef,
  kind: SyncErrorKind,
  code: string,
  message: string,
): Promise<void> {
  const occurredAt = new Date();
  await db.insert(syncErrors).values({
    orgId: ref.orgId,
    channelId: ref.channelId,
    kind,
    code: code.slice(0, 100),
    message: message.slice(0, 500),
    occurredAt,
  });
  await patchSyncState(db, ref, { lastErrorAt: occurredAt });
  const keep = db
    .select({ id: syncErrors.id })
    .from(syncErrors)
    .where(eq(syncErrors.channelId, ref.channelId))
    .orderBy(desc(syncErrors.occurredAt))
    .limit(KEPT_ERRORS);
  await db
    .delete(syncErrors)
    .where(
      and(
        eq(syncErrors.channelId, ref.channelId),
        lt(syncErrors.occurredAt, occurredAt),
        notInArray(syncErrors.id, keep),
      ),
    );
}

export async function readSyncState(db: Db, channelId: string): Promise<ChannelSyncStateRow | undefined> {
  const [row] = await db.select().from(channelSyncState).where(eq(channelSyncState.channelId, channelId));
  return row;
}

export async function recentSyncErrors(db: Db, channelId: string, limit = KEPT_ERRORS) {
  return db
    .select({
      occurredAt: syncErrors.occurredAt,
      kind: syncErrors.kind,
      code: syncErrors.code,
      message: syncErrors.message,
    })
    .from(syncErrors)
    .where(eq(syncErrors.channelId, channelId))
    .orderBy(desc(syncErrors.occurredAt))
    .limit(limit);
}
