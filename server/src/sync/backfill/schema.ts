import { BACKFILL_STATUSES, type BackfillStatus } from "@mailroom/contract";
import { sql } from "drizzle-orm";
import {
  boolean,
  check,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { orgIdColumn } from "../../accounts/schema.ts";
import { channelIdColumn } from "../../channels/schema.ts";
import { at, oneOf } from "../../db/columns.ts";
import { FOLLOWED_FOLDERS } from "../../mail/folders.ts";

export { BACKFILL_STATUSES, type BackfillStatus };

/**
 * "Sync older mail": a user-requested import of mail received in [window_start, window_end),
 * newest first, resumable after a crash from its `backfill_cursors`. At most one running per
 * channel.
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
    status: text("status", { enum: BACKFILL_STATUSES }).notNull().default("running"),
    total: integer("total"),
    synced: integer("synced").notNull().default(0),
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
    check("backfills_status_check", oneOf(t.status, BACKFILL_STATUSES)),
  ],
);

/**
 * Where a backfill stands in each folder: Graph's next page link and how far it got. Written in
 * the same transaction as the page it follows, so a crash resumes at the next page.
 */
export const backfillCursors = pgTable(
  "backfill_cursors",
  {
    backfillId: uuid("backfill_id")
      .notNull()
      .references(() => backfills.id, { onDelete: "cascade" }),
    folder: text("folder", { enum: FOLLOWED_FOLDERS }).notNull(),
    /** Path of the next page to fetch; null once the folder is done. */
    nextLink: text("next_link"),
    /** Graph's @odata.count for the window in this folder; null until its first page said. */
    total: integer("total"),
    synced: integer("synced").notNull().default(0),
    done: boolean("done").notNull().default(false),
  },
  (t) => [
    primaryKey({ columns: [t.backfillId, t.folder] }),
    check("backfill_cursors_folder_check", oneOf(t.folder, FOLLOWED_FOLDERS)),
  ],
);

export type BackfillRow = typeof backfills.$inferSelect;

/** One folder's position (a `backfill_cursors` row without its keys). */
export type BackfillFolderCursor = Omit<typeof backfillCursors.$inferSelect, "backfillId" | "folder">;
