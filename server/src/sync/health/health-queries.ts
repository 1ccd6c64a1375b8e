import type { SyncHealth, SyncHealthSummary } from "@mailroom/contract";
import { channelStatuses } from "../../channels/channel-store.ts";
import type { Db } from "../../db/client.ts";
import { channelRoundTimes, orgRoundTimes } from "../../mail/cursors.ts";
import { FOLLOWED_FOLDERS } from "../../mail/folders.ts";
import { liveMessageCount } from "../../mail/message-counts.ts";
import { readSyncState, recentSyncErrors, syncStatesOf } from "../state/sync-state.ts";
import { subscriptionExpiries } from "../subscriptions/subscription-store.ts";
import { DEGRADED_WINDOW_MS, describeHealth, type HealthSettings, redactSecrets } from "./describe-health.ts";

/**
 * The rows sync health is computed from (see describe-health.ts), for one channel or a whole org, each
 * asked of the module that owns it. Secrets stay behind: subscriptions are read as folder and
 * expiry only, cursors as times only.
 */

/** Everything the channel page shows under "Sync". The caller has checked the channel is the org's. */
export async function channelHealth(
  db: Db,
  settings: HealthSettings,
  channel: { id: string; orgId: string; status: string; statusReason?: string | null },
): Promise<SyncHealth> {
  const now = new Date();
  const [state, cursors, subscriptionRows, messagesSynced, errors] = await Promise.all([
    readSyncState(db, channel.id),
    channelRoundTimes(db, channel.id),
    subscriptionExpiries(db, [channel.id]).then((rows) =>
      rows.map(({ folder, expiresAt }) => ({ folder, expiresAt })),
    ),
    liveMessageCount(db, channel.id),
    recentSyncErrors(db, channel.id),
  ]);
  const recentErrors = errors.map((e) => ({
    ...e,
    occurredAt: e.occurredAt.toISOString(),
    message: redactSecrets(e.message),
  }));
  const summary = describeHealth({
    now,
    channelStatus: channel.status,
    channelReason: channel.statusReason ?? null,
    state,
    cursors,
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
 * One summary per channel of the org for Settings > Channels, in four queries whatever the number
 * of channels: the channels, their sync states, their cursors rolled up, their subscriptions.
 */
export async function orgHealth(
  db: Db,
  settings: HealthSettings,
  orgId: string,
): Promise<SyncHealthSummary[]> {
  const now = new Date();
  const [channelRows, rounds] = await Promise.all([channelStatuses(db, orgId), orgRoundTimes(db, orgId)]);
  const ids = channelRows.map((r) => r.id);
  const [states, subs] = await Promise.all([syncStatesOf(db, ids), subscriptionExpiries(db, ids)]);
  return channelRows.map((channel) => {
    const summary = describeHealth({
      now,
      channelStatus: channel.status,
      channelReason: channel.statusReason,
      state: states.find((s) => s.channelId === channel.id),
      cursors: rounds.get(channel.id) ?? { roundAt: null, initialAt: null },
      subscriptions: subs.filter((s) => s.channelId === channel.id),
      settings,
    });
    return {
      channelId: channel.id,
      state: summary.state,
      label: summary.label,
      mode: summary.mode,
      lastDeltaAt: iso(summary.lastDeltaAt),
      lastNotificationAt: iso(summary.lastNotificationAt),
    };
  });
}

const iso = (date: Date | null) => date?.toISOString() ?? null;
