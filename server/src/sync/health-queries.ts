import type { SyncHealth, SyncHealthSummary } from "@mailroom/contract";
import { and, count, eq, inArray, isNull, sql } from "drizzle-orm";
import { channels } from "../channels/schema.ts";
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
import { recentSyncErrors } from "./sync-state.ts";

/**
 * The rows sync health is computed from (see health.ts), for one channel or a whole org. Secrets
 * stay behind: subscriptions are read as folder and expiry only, cursors as times only.
 */

/** Everything the channel page shows under "Sync". The caller has checked the channel is the org's. */
export async function channelHealth(
  db: Db,
  settings: HealthSettings,
  channel: { id: string; orgId: string; status: string },
): Promise<SyncHealth> {
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
  const recentErrors = errors.map((e) => ({
    ...e,
    occurredAt: e.occurredAt.toISOString(),
    message: redactSecrets(e.message),
  }));
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
    webhookRetryAt: iso(summary.webhookRetryAt),
    lastNotificationAt: iso(summary.lastNotificationAt),
    lastDeltaAt: iso(summary.lastDeltaAt),
    initialSyncedAt: iso(summary.initialSyncedAt),
    subscriptions: subscriptionRows.map((s) => ({ folder: s.folder, expiresAt: s.expiresAt.toISOString() })),
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
export async function orgHealth(
  db: Db,
  settings: HealthSettings,
  orgId: string,
): Promise<SyncHealthSummary[]> {
  const now = new Date();
  const rounds = db
    .select({
      channelId: syncCursors.channelId,
      rounded: sql<number>`count(${syncCursors.lastRoundAt})::int`.as("rounded"),
      roundAt: sql<Date | null>`min(${syncCursors.lastRoundAt})`
        .mapWith(syncCursors.lastRoundAt)
        .as("round_at"),
      initialDone: sql<number>`count(${syncCursors.initialCompletedAt})::int`.as("initial_done"),
      initialAt: sql<Date | null>`max(${syncCursors.initialCompletedAt})`
        .mapWith(syncCursors.initialCompletedAt)
        .as("initial_at"),
    })
    .from(syncCursors)
    .where(and(eq(syncCursors.orgId, orgId), inArray(syncCursors.folder, [...FOLLOWED_FOLDERS])))
    .groupBy(syncCursors.channelId)
    .as("rounds");
  const rows = await db
    .select({
      id: channels.id,
      status: channels.status,
      state: channelSyncState,
      rounded: rounds.rounded,
      roundAt: rounds.roundAt,
      initialDone: rounds.initialDone,
      initialAt: rounds.initialAt,
    })
    .from(channels)
    .leftJoin(channelSyncState, eq(channelSyncState.channelId, channels.id))
    .leftJoin(rounds, eq(rounds.channelId, channels.id))
    .where(eq(channels.orgId, orgId));
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
        roundAt: row.rounded === FOLLOWED_FOLDERS.length ? row.roundAt : null,
        initialAt: row.initialDone === FOLLOWED_FOLDERS.length ? row.initialAt : null,
      },
      subscriptions: subs.filter((s) => s.channelId === row.id),
      settings,
    });
    return {
      channelId: row.id,
      state: summary.state,
      label: summary.label,
      mode: summary.mode,
      lastDeltaAt: iso(summary.lastDeltaAt),
      lastNotificationAt: iso(summary.lastNotificationAt),
    };
  });
}

const iso = (date: Date | null) => date?.toISOString() ?? null;
