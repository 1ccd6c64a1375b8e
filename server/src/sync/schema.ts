import { index, integer, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { organization } from "../accounts/schema.ts";
import { channels } from "../channels/schema.ts";

const at = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

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
    orgId: text("org_id")
      .notNull()
      .references(() => organization.id, { onDelete: "cascade" }),
    channelId: uuid("channel_id")
      .notNull()
      .references(() => channels.id, { onDelete: "cascade" }),
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
