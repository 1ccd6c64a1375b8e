import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { channelIdColumn } from "../channels/schema.ts";
import { at, orgIdColumn } from "../db/columns.ts";

/**
 * Graph change-notification subscriptions, one per followed folder of a channel (ADR 009). Keyed by
 * Graph's subscription id, so a webhook finds its row by primary key. The clientState is sealed
 * (secret box, context `subscription:<id>:client_state`) and compared in constant time on intake.
 * https://learn.microsoft.com/graph/api/resources/subscription
 */
export const subscriptions = pgTable(
  "subscriptions",
  {
    id: text("id").primaryKey(),
    orgId: orgIdColumn(),
    channelId: channelIdColumn(),
    folder: text("folder").notNull(),
    clientStateSealed: text("client_state_sealed").notNull(),
    expiresAt: at("expires_at").notNull(),
    /** The longest lifetime Graph accepted (learnt from its refusal; see microsoft/subscriptions.ts). */
    maxMinutes: integer("max_minutes").notNull(),
    createdAt: at("created_at").notNull().defaultNow(),
    renewedAt: at("renewed_at"),
    /**
     * When the renewal job should renew it: a random point in the second half of its lifetime, so
     * a thousand channels connected in one hour don't all renew in the same minute.
     */
    renewAt: at("renew_at"),
    /**
     * Until when Graph holds it authorized: the expiry of the access token behind its last create,
     * renewal or reauthorization. Graph challenges (reauthorizationRequired) ahead of that time;
     * the sweep reauthorizes ahead of the challenge, in the batch it sends anyway. Null: unknown.
     */
    authorizedUntil: at("authorized_until"),
  },
  (t) => [
    index("subscriptions_channel_idx").on(t.channelId),
    index("subscriptions_expires_idx").on(t.expiresAt),
    index("subscriptions_renew_idx").on(t.renewAt),
  ],
);

export type SubscriptionRow = typeof subscriptions.$inferSelect;

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

/** Per folder position of a backfill: Graph's next page link, and how far it got. */
export interface BackfillFolderCursor {
  /** Path of the next page to fetch; absent before the first page. */
  nextLink?: string | null;
  /** Graph's @odata.count for the window in this folder. */
  total?: number;
  synced: number;
  done: boolean;
}

/**
 * "Sync older mail": a user-requested import of mail received in [window_start, window_end),
 * newest first, resumable after a crash from `cursors`. At most one running per channel.
 */
export const backfills = pgTable(
  "backfills",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: orgIdColumn(),
    channelId: channelIdColumn(),
    days: integer("days").notNull(),
    windowStart: at("window_start").notNull(),
    windowEnd: at("window_end").notNull(),
    /** running | done | failed | cancelled */
    status: text("status").notNull().default("running"),
    total: integer("total"),
    synced: integer("synced").notNull().default(0),
    cursors: jsonb("cursors")
      .$type<Record<string, BackfillFolderCursor>>()
      .notNull()
      .default(sql`'{}'::jsonb`),
    error: text("error"),
    requestedBy: text("requested_by"),
    createdAt: at("created_at").notNull().defaultNow(),
    updatedAt: at("updated_at").notNull().defaultNow(),
    /** Last time a worker wrote progress: a running backfill that goes quiet is picked up again. */
    heartbeatAt: at("heartbeat_at"),
    finishedAt: at("finished_at"),
  },
  (t) => [
    index("backfills_channel_idx").on(t.channelId, t.createdAt.desc()),
    uniqueIndex("backfills_one_running_uidx").on(t.channelId).where(sql`status = 'running'`),
  ],
);

export type ChannelSyncStateRow = typeof channelSyncState.$inferSelect;
export type BackfillRow = typeof backfills.$inferSelect;
