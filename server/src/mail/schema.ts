import { sql } from "drizzle-orm";
import {
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { orgIdColumn } from "../accounts/schema.ts";
import { channelIdColumn } from "../channels/schema.ts";
import { at, oneOf } from "../db/columns.ts";
import { FOLLOWED_FOLDERS } from "./folders.ts";
import type { AttachmentInfo, MailAddress } from "./stored-json.ts";

export const MESSAGE_DIRECTIONS = ["inbound", "outbound"] as const;
export const BODY_CONTENT_TYPES = ["text", "html"] as const;
/** Mailroom's own state of a conversation (ADR 019); Outlook has no such thing. */
export const CONVERSATION_STATUSES = ["open", "closed"] as const;
export type ConversationStatus = (typeof CONVERSATION_STATUSES)[number];

/**
 * A thread as Outlook groups it: one row per Graph `conversationId` in a channel. The counters are
 * recomputed from `messages` on every store, never incremented, so replayed delta pages can't
 * inflate them.
 */
export const conversations = pgTable(
  "conversations",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: orgIdColumn(),
    channelId: channelIdColumn(),
    graphConversationId: text("graph_conversation_id").notNull(),
    subject: text("subject").notNull().default(""),
    snippet: text("snippet").notNull().default(""),
    lastMessageAt: at("last_message_at"),
    messageCount: integer("message_count").notNull().default(0),
    unreadCount: integer("unread_count").notNull().default(0),
    /** Open until an agent closes it; Mailroom-only, never sent to Outlook (ADR 019). */
    status: text("status", { enum: CONVERSATION_STATUSES }).notNull().default("open"),
    statusChangedAt: at("status_changed_at"),
    createdAt: at("created_at").defaultNow().notNull(),
    updatedAt: at("updated_at").defaultNow().notNull(),
  },
  (t) => [
    uniqueIndex("conversations_channel_graph_uidx").on(t.channelId, t.graphConversationId),
    index("conversations_org_last_idx").on(t.orgId, t.lastMessageAt.desc()),
    // The "Open" and "Closed" lists walk this one as the unfiltered list walks the one above.
    index("conversations_org_status_last_idx").on(t.orgId, t.status, t.lastMessageAt.desc()),
    check("conversations_status_check", oneOf(t.status, CONVERSATION_STATUSES)),
  ],
);

/**
 * One Outlook message in a followed folder, keyed by its immutable id so a move between Inbox and
 * Sent Items or a replayed page updates the same row.
 * https://learn.microsoft.com/graph/outlook-immutable-id
 */
export const messages = pgTable(
  "messages",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: orgIdColumn(),
    channelId: channelIdColumn(),
    conversationId: uuid("conversation_id")
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    graphId: text("graph_id").notNull(),
    internetMessageId: text("internet_message_id"),
    folder: text("folder", { enum: FOLLOWED_FOLDERS }).notNull(),
    /** What sits in Sent Items was sent by the mailbox. */
    direction: text("direction", { enum: MESSAGE_DIRECTIONS }).notNull(),
    fromAddress: text("from_address"),
    fromName: text("from_name"),
    toRecipients: jsonb("to_recipients").$type<MailAddress[]>().notNull().default(sql`'[]'::jsonb`),
    ccRecipients: jsonb("cc_recipients").$type<MailAddress[]>().notNull().default(sql`'[]'::jsonb`),
    bccRecipients: jsonb("bcc_recipients").$type<MailAddress[]>().notNull().default(sql`'[]'::jsonb`),
    replyTo: jsonb("reply_to").$type<MailAddress[]>().notNull().default(sql`'[]'::jsonb`),
    subject: text("subject").notNull().default(""),
    bodyPreview: text("body_preview").notNull().default(""),
    bodyContentType: text("body_content_type", { enum: BODY_CONTENT_TYPES }).notNull().default("text"),
    bodyContent: text("body_content").notNull().default(""),
    receivedAt: at("received_at"),
    sentAt: at("sent_at"),
    isRead: boolean("is_read").notNull().default(false),
    hasAttachments: boolean("has_attachments").notNull().default(false),
    /** The attachment list, stored with the message (delta expands it); null until known. */
    attachments: jsonb("attachments").$type<AttachmentInfo[]>(),
    categories: jsonb("categories").$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    webLink: text("web_link"),
    /** Set when Graph reports the message deleted or moved out of the followed folders. */
    removedAt: at("removed_at"),
    createdAt: at("created_at").defaultNow().notNull(),
    updatedAt: at("updated_at").defaultNow().notNull(),
  },
  (t) => [
    uniqueIndex("messages_channel_graph_uidx").on(t.channelId, t.graphId),
    index("messages_conversation_received_idx").on(t.conversationId, t.receivedAt),
    check("messages_folder_check", oneOf(t.folder, FOLLOWED_FOLDERS)),
    check("messages_direction_check", oneOf(t.direction, MESSAGE_DIRECTIONS)),
    check("messages_body_content_type_check", oneOf(t.bodyContentType, BODY_CONTENT_TYPES)),
  ],
);

/**
 * Where each folder's delta stands. `next_link` is a round in progress (resume there after a
 * crash); `delta_link` the start of the next round. Either is written in the same transaction as
 * the page it follows. https://learn.microsoft.com/graph/delta-query-messages
 */
export const syncCursors = pgTable(
  "sync_cursors",
  {
    channelId: channelIdColumn(),
    orgId: orgIdColumn(),
    folder: text("folder", { enum: FOLLOWED_FOLDERS }).notNull(),
    deltaLink: text("delta_link"),
    nextLink: text("next_link"),
    initialCompletedAt: at("initial_completed_at"),
    /**
     * While an initial round (first sync, or the restart after Graph dropped the delta state) is in
     * progress: when it began. At its end, live rows of the folder's window that the round didn't
     * return are gone from the mailbox and get marked removed.
     */
    roundStartedAt: at("round_started_at"),
    lastRoundAt: at("last_round_at"),
    messagesSeen: integer("messages_seen").notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.channelId, t.folder] }),
    check("sync_cursors_folder_check", oneOf(t.folder, FOLLOWED_FOLDERS)),
  ],
);
