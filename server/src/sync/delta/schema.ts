import { boolean, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { channels } from "../../channels/schema.ts";
import { at } from "../../db/columns.ts";

/**
 * "One sync per channel at a time across every worker": a lease that expires if its worker dies
 * (sync-lease.ts is its only reader and writer).
 */
export const syncLeases = pgTable("sync_leases", {
  channelId: uuid("channel_id")
    .primaryKey()
    .references(() => channels.id, { onDelete: "cascade" }),
  holder: text("holder").notNull(),
  expiresAt: at("expires_at").notNull(),
  /** Someone asked for a sync while the holder was running: it runs one more round before letting go. */
  rerun: boolean("rerun").notNull().default(false),
});
