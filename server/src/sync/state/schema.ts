import { index, integer, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { orgIdColumn } from "../../accounts/schema.ts";
import { channelIdColumn } from "../../channels/schema.ts";
import { at } from "../../db/columns.ts";

/**
 * How a channel is being kept in sync, and how that is going: what the channel page and
 * Settings > Channels show as "sync health". One row per channel, written by the sync jobs (never
 * by webhook intake, which must stay fast).
 */
export const channelSyncState = pgTable(
  "channel_sync_state",
  {
    channelId: channelIdColumn().primaryKey(),
    orgId: orgIdColumn(),
    /** webhook | polling */
    mode: text("mode").notNull().default("webhook"),
    /** Why polling: public_url_not_public | subscription_refused | subscription_lapsed. */
    pollingReason: text("polling_reason"),
    /** Graph's own words when it refused (no secrets: error code and message only). */
    pollingDetail: text("polling_detail"),
    /** While polling because Graph refused: when to try subscribing again. */
    webhookRetryAt: at("webhook_retry_at"),
    lastNotificationAt: at("last_notification_at"),
    /** The last completed delta round (every followed folder reached its delta link). */
    lastDeltaAt: at("last_delta_at"),
    /** The initial round (the first BACKFILL_DAYS) finished for every followed folder. */
    initialSyncedAt: at("initial_synced_at"),
    /** Graph's count of messages in the initial window, for the initial-sync progress bar. */
    initialTotal: integer("initial_total"),
    lastErrorAt: at("last_error_at"),
    updatedAt: at("updated_at").notNull().defaultNow(),
  },
  (t) => [index("channel_sync_state_mode_idx").on(t.mode)],
);

/** Recent sync errors per channel (the newest few are kept), shown under sync health. */
export const syncErrors = pgTable(
  "sync_errors",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: orgIdColumn(),
    channelId: channelIdColumn(),
    occurredAt: at("occurred_at").notNull().defaultNow(),
    /** delta | subscription | backfill | renewal | throttled */
    kind: text("kind").notNull(),
    /** Graph's error code, or our own. */
    code: text("code").notNull(),
    message: text("message").notNull(),
  },
  (t) => [index("sync_errors_channel_idx").on(t.channelId, t.occurredAt.desc())],
);

export type ChannelSyncStateRow = typeof channelSyncState.$inferSelect;
