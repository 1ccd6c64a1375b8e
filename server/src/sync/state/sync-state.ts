import { and, asc, desc, eq, inArray, isNull, lt, lte, notInArray, or, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import type { EventBus } from "../../events/bus.ts";
import type { ChannelRef } from "../sync-deps.ts";
import {
  type ChannelSyncStateRow,
  channelSyncState,
  type PollingReason,
  type SyncErrorKind,
  syncErrors,
} from "./schema.ts";

/**
 * The channel's sync record (`channel_sync_state` + `sync_errors`): every sync stage writes it
 * through these functions — this file is its only writer — and sync health reads it. Writes are
 * upserts keyed by channel, so any job may be the first to touch a channel.
 */

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

/** Channels in polling mode whose last completed round is older than `dueBefore` (or never ran). */
export async function pollingChannelsDue(db: Db, dueBefore: SQL | Date): Promise<string[]> {
  const rows = await db
    .select({ id: channelSyncState.channelId })
    .from(channelSyncState)
    .where(
      and(
        eq(channelSyncState.mode, "polling"),
        or(isNull(channelSyncState.lastDeltaAt), lt(channelSyncState.lastDeltaAt, dueBefore)),
      ),
    );
  return rows.map((r) => r.id);
}

/**
 * Channels polling because Graph refused their subscription whose retry time has come, oldest
 * first — and, when `configFixed` (webhooks are possible now), those that polled because
 * PUBLIC_URL wasn't public or WEBHOOKS was off.
 */
export async function channelsDueForWebhookRetry(db: Db, now: Date, configFixed: boolean): Promise<string[]> {
  const dueRetry = lte(channelSyncState.webhookRetryAt, now);
  const due = configFixed
    ? or(dueRetry, inArray(channelSyncState.pollingReason, ["public_url_not_public", "webhooks_off"]))
    : dueRetry;
  const rows = await db
    .select({ id: channelSyncState.channelId })
    .from(channelSyncState)
    .where(and(eq(channelSyncState.mode, "polling"), due))
    .orderBy(asc(channelSyncState.webhookRetryAt));
  return rows.map((r) => r.id);
}

/** The sync records of these channels. */
export async function syncStatesOf(db: Db, channelIds: string[]): Promise<ChannelSyncStateRow[]> {
  if (channelIds.length === 0) return [];
  return db.select().from(channelSyncState).where(inArray(channelSyncState.channelId, channelIds));
}

/** Tells the org's open pages that a channel's health changed (they refetch it). */
export function publishHealthChanged(events: EventBus, ref: ChannelRef): Promise<void> {
  return events.publish(ref.orgId, { type: "sync.health", data: { channelId: ref.channelId } });
}
