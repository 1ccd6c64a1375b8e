import { check, index, integer, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { orgIdColumn } from "../../accounts/schema.ts";
import { channelIdColumn } from "../../channels/schema.ts";
import { at, oneOf } from "../../db/columns.ts";

/** How a channel is kept in sync: Graph notifies us, or we ask every SYNC_POLL_SECONDS. */
export const SYNC_MODES = ["webhook", "polling"] as const;
export type SyncMode = (typeof SYNC_MODES)[number];
/** Why a channel polls (ADR 011). */
export const POLLING_REASONS = [
  "public_url_not_public",
  "webhooks_off",
  "subscription_refused",
  "subscription_lapsed",
] as const;
export type PollingReason = (typeof POLLING_REASONS)[number];
/** Which part of sync an error came from. */
export const SYNC_ERROR_KINDS = ["delta", "subscription", "backfill", "renewal", "throttled"] as const;
export type SyncErrorKind = (typeof SYNC_ERROR_KINDS)[number];

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
    mode: text("mode", { enum: SYNC_MODES }).notNull().default("webhook"),
    /** Why polling (null while webhooks work). */
    pollingReason: text("polling_reason", { enum: POLLING_REASONS }),
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
  (t) => [
    index("channel_sync_state_mode_idx").on(t.mode),
    check("channel_sync_state_mode_check", oneOf(t.mode, SYNC_MODES)),
    check("channel_sync_state_polling_reason_check", oneOf(t.pollingReason, POLLING_REASONS)),
  ],
);

/** Recent sync errors per channel (the newest few are kept), shown under sync health. */
export const syncErrors = pgTable(
  "sync_errors",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: orgIdColumn(),
    channelId: channelIdColumn(),
    occurredAt: at("occurred_at").notNull().defaultNow(),
    kind: text("kind", { enum: SYNC_ERROR_KINDS }).notNull(),
    /** Graph's error code, or our own. */
    code: text("code").notNull(),
    message: text("message").notNull(),
  },
  (t) => [
    index("sync_errors_channel_idx").on(t.channelId, t.occurredAt.desc()),
    check("sync_errors_kind_check", oneOf(t.kind, SYNC_ERROR_KINDS)),
  ],
);

export type ChannelSyncStateRow = typeof channelSyncState.$inferSelect;
