import { sql } from "drizzle-orm";
import { boolean, check, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { orgIdColumn, user } from "../accounts/schema.ts";
import { channelIdColumn } from "../channels/schema.ts";
import { at, oneOf } from "../db/columns.ts";
import { conversations, messages } from "../mail/schema.ts";

/**
 * The typed states of an outgoing message (ADR 014, ADR 018). The happy path runs left to right;
 * each step is recorded with what Graph gave back, so a crash at any step resumes the same draft.
 */
export const OUTBOX_STATES = [
  "queued",
  "draft_created",
  "patched",
  "attachments_uploaded",
  "sent",
  "matched",
  "failed",
  "cancelled",
] as const;
export type OutboxState = (typeof OUTBOX_STATES)[number];
export const OUTBOX_KINDS = ["reply", "replyAll", "forward", "new"] as const;
export type OutboxKind = (typeof OUTBOX_KINDS)[number];

/** One recipient as the composer gave it. */
export interface OutboxAddress {
  name: string | null;
  address: string;
}

/** An attachment of an outgoing message: the upload it came from, and Graph's id once it is on the draft. */
export interface OutboxAttachment {
  uploadId: string;
  name: string;
  contentType: string;
  size: number;
  isInline: boolean;
  contentId: string | null;
  graphAttachmentId?: string;
  /** An upload session in progress (resumed after a crash from its next expected byte). */
  uploadUrl?: string;
}

/** A step done, with the Graph ids and etag it produced (the audit trail of one send). */
export interface OutboxStep {
  state: OutboxState;
  at: string;
  graphId?: string;
  etag?: string | null;
  detail?: string;
}

/**
 * The outbox: one row per message an agent sent (or is about to send) from Mailroom. It holds the
 * content until it is sent — Undo brings it back into the composer — and the Graph draft it became.
 */
export const outboxMessages = pgTable(
  "outbox_messages",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: orgIdColumn(),
    channelId: channelIdColumn(),
    /** Ours; null for a new email until its Sent Items copy is matched. */
    conversationId: uuid("conversation_id").references(() => conversations.id, { onDelete: "set null" }),
    /** The message answered or forwarded (ours). */
    parentMessageId: uuid("parent_message_id").references(() => messages.id, { onDelete: "set null" }),
    /** Graph's immutable id of the message answered, kept in case the row above goes. */
    parentGraphId: text("parent_graph_id"),
    kind: text("kind", { enum: OUTBOX_KINDS }).notNull(),
    state: text("state", { enum: OUTBOX_STATES }).notNull().default("queued"),
    createdBy: text("created_by").references(() => user.id, { onDelete: "set null" }),
    /** Kept with the row: colleagues see who is sending it, even after they leave. */
    createdByName: text("created_by_name").notNull().default(""),
    fromAddress: text("from_address").notNull(),
    toRecipients: jsonb("to_recipients").$type<OutboxAddress[]>().notNull(),
    ccRecipients: jsonb("cc_recipients").$type<OutboxAddress[]>().notNull(),
    bccRecipients: jsonb("bcc_recipients").$type<OutboxAddress[]>().notNull(),
    subject: text("subject").notNull().default(""),
    bodyHtml: text("body_html").notNull(),
    /** When the undo window ends: the send starts then. */
    sendAt: at("send_at").notNull(),
    /** Later than sendAt when the mailbox's sending limits make it wait. */
    willGoAt: at("will_go_at"),
    graphDraftId: text("graph_draft_id"),
    draftEtag: text("draft_etag"),
    /** The quoted history Exchange put in the draft; our body goes above it (PATCH is absolute). */
    quotedHtml: text("quoted_html"),
    internetMessageId: text("internet_message_id"),
    graphConversationId: text("graph_conversation_id"),
    attachments: jsonb("attachments").$type<OutboxAttachment[]>().notNull().default(sql`'[]'::jsonb`),
    steps: jsonb("steps").$type<OutboxStep[]>().notNull().default(sql`'[]'::jsonb`),
    failureCode: text("failure_code"),
    failureMessage: text("failure_message"),
    attempts: integer("attempts").notNull().default(0),
    /**
     * Set just before the Graph call that creates the draft / sends it: only a run that finds it
     * set (an earlier run may have died after Graph acted) looks for the draft or the sent copy.
     */
    draftRequestedAt: at("draft_requested_at"),
    sendRequestedAt: at("send_requested_at"),
    sentAt: at("sent_at"),
    matchedAt: at("matched_at"),
    /** The composer's key for this Send: the same key again gets this row, not a second message. */
    sendKey: uuid("send_key"),
    createdAt: at("created_at").defaultNow().notNull(),
    updatedAt: at("updated_at").defaultNow().notNull(),
  },
  (t) => [
    uniqueIndex("outbox_messages_send_key_uidx").on(t.orgId, t.createdBy, t.sendKey),
    index("outbox_messages_conversation_idx").on(t.conversationId, t.createdAt),
    index("outbox_messages_channel_send_idx").on(t.channelId, t.sendAt),
    index("outbox_messages_draft_idx").on(t.channelId, t.graphDraftId),
    check("outbox_messages_state_check", oneOf(t.state, OUTBOX_STATES)),
    check("outbox_messages_kind_check", oneOf(t.kind, OUTBOX_KINDS)),
  ],
);

/**
 * A file the browser uploads for a message, in ranges of at most 4 MB, resumable: the bytes go to
 * the data directory (`outbox-uploads/<id>`), this row says how many arrived. It becomes an
 * attachment when a message naming it is queued.
 */
export const outboxUploads = pgTable(
  "outbox_uploads",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: orgIdColumn(),
    channelId: channelIdColumn(),
    createdBy: text("created_by").references(() => user.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    contentType: text("content_type").notNull(),
    size: integer("size").notNull(),
    received: integer("received").notNull().default(0),
    isInline: boolean("is_inline").notNull().default(false),
    contentId: text("content_id"),
    createdAt: at("created_at").defaultNow().notNull(),
  },
  (t) => [index("outbox_uploads_channel_idx").on(t.channelId)],
);
