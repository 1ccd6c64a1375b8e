import { and, count, eq, inArray, isNull, sql } from "drizzle-orm";
import { channelStatuses } from "../channels/channel-store.ts";
import type { Db } from "../db/client.ts";
import { messages, syncCursors } from "../mail/schema.ts";
import {
  DEGRADED_WINDOW_MS,
  describeHealth,
  type HealthSettings,
  redactSecrets,
  rollUpCursors,
} from "./health.ts";
import { channelSyncState, subscriptions } from "./schema.ts";
import { FOLLOWED_FOLDERS } from "./sync-channel.ts";
import { recentSyncErrors, syncStatesOf } from "./sync-state.ts";

/**
 * The rows sync health is computed from (see health.ts), for one channel or a whole org. Secrets
 * stay behind: subscriptions are read as folder and expiry only, cursors as times only.
 */

/** Everything the channel page shows under "Sync". The caller has checked the channel is the org's. */
export async function channelHealth(
  db: Db,
  settings: HealthSettings,
  channel: { id: string; orgId: string; status: string },
) {
  const now = new Date();
  const [stateRows, cursorRows, subscriptionRows, counted, errors] = await Promise.all([
    db.select().from(channelSyncState).where(eq(channelSyncState.channelId, channel.id)),
    db
      .select({
        folder: syncCursors.folder,
        lastRoundAt: syncCursors.lastRoundAt,
        initialCompletedAt: syncCursors.initialCompletedAt,
      })
      .from(syncCursors)
      .where(eq(syncCursors.channelId, channel.id)),
    db
      .select({ folder: subscriptions.folder, expiresAt: subscriptions.expiresAt })
      .from(subscriptions)
      .where(eq(subscriptions.channelId, channel.id))
      .orderBy(subscriptions.folder),
    db
      .select({ n: count() })
      .from(messages)
      .where(and(eq(messages.channelId, channel.id), isNull(messages.removedAt))),
    recentSyncErrors(db, channel.id),
  ]);
  const messagesSynced = counted[0]?.n ?? 0;
  const recentErrors = errors.map((e) => ({ ...e, message: redactSecrets(e.message) }));
  const summary = describeHealth({
    now,
    channelStatus: channel.status,
    state: stateRows[0],
    cursors: rollUpCursors(cursorRows),
    subscriptions: subscriptionRows,
    settings,
    errorsLastHour: errors.filter((e) => now.getTime() - e.occurredAt.getTime() < DEGRADED_WINDOW_MS).length,
    messagesSynced,
  });
  return {
    channelId: channel.id,
    ...summary,
    subscriptions: subscriptionRows,
    messagesSynced,
    foldersFollowed: [...FOLLOWED_FOLDERS],
    pollSeconds: settings.pollSeconds,
    recentErrors,
  };
}

/**
 * One summary per channel of the org for Settings > Channels, in two queries whatever the number
 * of channels: channels with their sync state and cursor roll-up, then their subscriptions.
 */
export async function orgHealth(db: Db, settings: HealthSettings, orgId: string) {
  const now = new Date();
  const rounds = db
    .select({
      channelId: syncCursors.channelId,
      rounded: sql<number>`count(${syncCursors.lastRoundAt})::int`,
      roundAt: sql<Date | null>`min(${syncCursors.lastRoundAt})`.mapWith(syncCursors.lastRoundAt),
      initialDone: sql<number>`count(${syncCursors.initialCompletedAt})::int`,
      initialAt: sql<Date | null>`max(${syncCursors.initialCompletedAt})`.mapWith(
        syncCursors.initialCompletedAt,
      ),
    })
    .from(syncCursors)
    .where(and(eq(syncCursors.orgId, orgId), inArray(syncCursors.folder, [...FOLLOWED_FOLDERS])))
    .groupBy(syncCursors.channelId);
  const [channelRows, roundRows] = await Promise.all([channelStatuses(db, orgId), rounds]);
  const ids = channelRows.map((r) => r.id);
  const states = new Map((await syncStatesOf(db, ids)).map((s) => [s.channelId, s]));
  const roundsOf = new Map(roundRows.map((r) => [r.channelId, r]));
  const rows = channelRows.map((c) => ({ ...c, state: states.get(c.id), ...roundsOf.get(c.id) }));
  const subs = rows.length
    ? await db
        .select({
          channelId: subscriptions.channelId,
          folder: subscriptions.folder,
          expiresAt: subscriptions.expiresAt,
        })
        .from(subscriptions)
        .where(
          inArray(
            subscriptions.channelId,
            rows.map((r) => r.id),
          ),
        )
    : [];
  return rows.map((row) => {
    const summary = describeHealth({
      now,
      channelStatus: row.status,
      state: row.state ?? undefined,
      cursors: {
        roundAt: row.rounded === FOLLOWED_FOLDERS.length ? (row.roundAt ?? null) : null,
        initialAt: row.initialDone === FOLLOWED_FOLDERS.length ? (row.initialAt ?? null) : null,
      },
      subscriptions: subs.filter((s) => s.channelId === row.id),
      settings,
    });
    return {
      channelId: row.id,
      state: summary.state,
      label: summary.label,
      mode: summary.mode,
      lastDeltaAt: summary.lastDeltaAt,
      lastNotificationAt: summary.lastNotificationAt,
    };
  });
}
