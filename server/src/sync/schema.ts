import { index, integer, pgTable, text } from "drizzle-orm/pg-core";
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
  },
  (t) => [
    index("subscriptions_channel_idx").on(t.channelId),
    index("subscriptions_expires_idx").on(t.expiresAt),
  ],
);

export type SubscriptionRow = typeof subscriptions.$inferSelect;
