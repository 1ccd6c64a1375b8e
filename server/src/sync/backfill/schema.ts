import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { orgIdColumn } from "../../accounts/schema.ts";
import { channelIdColumn } from "../../channels/schema.ts";
import { at } from "../../db/columns.ts";

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

export type BackfillRow = typeof backfills.$inferSelect;
