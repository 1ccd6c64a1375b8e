import { check, index, integer, pgTable, text } from "drizzle-orm/pg-core";
import { orgIdColumn } from "../../accounts/schema.ts";
import { channelIdColumn } from "../../channels/schema.ts";
import { at, oneOf } from "../../db/columns.ts";
import { FOLLOWED_FOLDERS } from "../../mail/folders.ts";

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
    folder: text("folder", { enum: FOLLOWED_FOLDERS }).notNull(),
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
    check("subscriptions_folder_check", oneOf(t.folder, FOLLOWED_FOLDERS)),
  ],
);

export type SubscriptionRow = typeof subscriptions.$inferSelect;
