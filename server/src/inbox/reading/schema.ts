import { sql } from "drizzle-orm";
import {
  check,
  customType,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { orgIdColumn, user } from "../../accounts/schema.ts";
import { at } from "../../db/columns.ts";
import { messages } from "../../mail/schema.ts";

/**
 * Who allowed remote images (ADR 017): for one message, or for every message from one sender
 * address in the organisation. Until one of these exists, the reading frame loads none.
 */
export const remoteImageAllowances = pgTable(
  "remote_image_allowances",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: orgIdColumn(),
    messageId: uuid("message_id").references(() => messages.id, { onDelete: "cascade" }),
    /** Lowercased sender address. */
    senderAddress: text("sender_address"),
    createdBy: text("created_by").references(() => user.id, { onDelete: "set null" }),
    createdAt: at("created_at").defaultNow().notNull(),
  },
  (t) => [
    uniqueIndex("remote_image_allowances_message_uidx")
      .on(t.orgId, t.messageId)
      .where(sql`${t.messageId} is not null`),
    uniqueIndex("remote_image_allowances_sender_uidx")
      .on(t.orgId, t.senderAddress)
      .where(sql`${t.senderAddress} is not null`),
    check("remote_image_allowances_one_scope", sql`(${t.messageId} is null) <> (${t.senderAddress} is null)`),
  ],
);

const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => "bytea",
  fromDriver: (value) => (Buffer.isBuffer(value) ? value : Buffer.from(value)),
});

/**
 * Inline images (`cid:`) fetched from Graph for the reading frame, kept so a message is fetched
 * once, not on every open. Small files only (inline-images.ts caps them); gone with the message.
 */
export const inlineImageCache = pgTable(
  "inline_image_cache",
  {
    messageId: uuid("message_id")
      .notNull()
      .references(() => messages.id, { onDelete: "cascade" }),
    orgId: orgIdColumn(),
    /** The digest of Graph's attachment id (conversation-store.ts attachmentKey). */
    attachmentKey: text("attachment_key").notNull(),
    contentType: text("content_type").notNull(),
    size: integer("size").notNull(),
    content: bytea("content").notNull(),
    createdAt: at("created_at").defaultNow().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.messageId, t.attachmentKey] }),
    index("inline_image_cache_org_created_idx").on(t.orgId, t.createdAt),
  ],
);
