import { createHash } from "node:crypto";
import { and, asc, desc, eq, gt, inArray, isNotNull, isNull, type SQL, sql } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import type { Role } from "../accounts/roles.ts";
import { channels } from "../channels/schema.ts";
import type { Db } from "../db/client.ts";
import { badRequest, notFound } from "../errors.ts";
import { FOLLOWED_FOLDERS } from "../mail/folders.ts";
import {
  type AttachmentInfo,
  conversations,
  type MailAddress,
  messages,
  syncCursors,
} from "../mail/schema.ts";
import { channelSyncState } from "../sync/state/schema.ts";
import { htmlToText } from "./html-text.ts";
import { inboxChannels, inboxes, inboxMembers } from "./schema.ts";

/**
 * Reading the synced mail store for people: which conversations a member may see, newest
 * activity first, and one conversation with its messages. Every query is scoped by org, and by
 * the inboxes the viewer can see: a conversation is visible when its channel feeds an inbox that
 * is org-wide, that the viewer belongs to, or any inbox for owners and admins (inbox-store.ts).
 */

export interface Viewer {
  orgId: string;
  userId: string;
  role: Role;
}

export interface Person {
  name: string | null;
  address: string;
}

export interface ConversationItem {
  id: string;
  subject: string;
  snippet: string;
  lastMessageAt: string;
  messageCount: number;
  unreadCount: number;
  channel: { id: string; email: string; name: string };
  participants: Person[];
  hasAttachments: boolean;
}

export interface ChannelSyncSummary {
  id: string;
  email: string;
  name: string;
  status: string;
  /** The first import (the last BACKFILL_DAYS) has not finished yet. */
  importing: boolean;
}

export interface AttachmentView {
  /** Ours, opaque (a digest of Graph's id), for the download URL. */
  id: string;
  name: string;
  contentType: string | null;
  size: number;
  isInline: boolean;
}

export interface MessageView {
  id: string;
  direction: string;
  from: Person | null;
  to: Person[];
  cc: Person[];
  date: string | null;
  subject: string;
  isRead: boolean;
  /** The body as plain text (HTML bodies are read into text on the server). */
  text: string;
  hasAttachments: boolean;
  /** null while the list is not known yet (it comes with the message, or on first open). */
  attachments: AttachmentView[] | null;
}

export const MAX_PAGE = 100;
const PARTICIPANTS = 5;
/** How many of a thread's latest messages name its participants. */
const PARTICIPANT_MESSAGES = 3;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (value: string) => UUID.test(value);

const isManager = (role: Role) => role === "owner" || role === "admin";

/**
 * `exists` a link from the channel in `channelColumn` to an inbox the viewer can see (optionally
 * one given inbox). inbox_channels is keyed (inbox, channel) and indexed by channel.
 */
export function visibleChannel(viewer: Viewer, channelColumn: SQL | AnyPgColumn, inboxId?: string) {
  const membership = isManager(viewer.role)
    ? sql``
    : sql`and (i.visibility = 'org' or exists (select 1 from ${inboxMembers} im where im.inbox_id = i.id and im.user_id = ${viewer.userId}))`;
  const oneInbox = inboxId ? sql`and ic.inbox_id = ${inboxId}` : sql``;
  return sql`exists (select 1 from ${inboxChannels} ic join ${inboxes} i on i.id = ic.inbox_id where ic.channel_id = ${channelColumn} and ic.org_id = ${viewer.orgId} ${oneInbox} ${membership})`;
}

/** The inbox, if the viewer may see it; 404 otherwise (never 403: its existence stays private). */
export async function assertVisibleInbox(db: Db, viewer: Viewer, inboxId: string): Promise<void> {
  if (!isUuid(inboxId)) throw notFound("Inbox");
  const membership = isManager(viewer.role)
    ? sql`true`
    : sql`(${inboxes.visibility} = 'org' or exists (select 1 from ${inboxMembers} im where im.inbox_id = ${inboxes.id} and im.user_id = ${viewer.userId}))`;
  const [row] = await db
    .select({ id: inboxes.id })
    .from(inboxes)
    .where(and(eq(inboxes.id, inboxId), eq(inboxes.orgId, viewer.orgId), membership))
    .limit(1);
  if (!row) throw notFound("Inbox");
}

/** Keyset position: the last item's (last_message_at, id), as Postgres wrote the timestamp. */
interface Cursor {
  at: string;
  id: string;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.at, cursor.id])).toString("base64url");
}

export function decodeCursor(value: string): Cursor {
  try {
    const [at, id] = JSON.parse(Buffer.from(value, "base64url").toString("utf8")) as unknown[];
    if (typeof at === "string" && typeof id === "string" && isUuid(id) && !Number.isNaN(Date.parse(at)))
      return { at, id };
  } catch {
    // falls through to the refusal below
  }
  throw badRequest("That page link is no longer valid; reload the list", [
    { field: "cursor", message: "Not a cursor this server issued" },
  ]);
}

export interface ListQuery {
  inboxId?: string;
  cursor?: string;
  limit: number;
  /** Just these conversations (a live update), in list order; no paging. */
  ids?: string[];
}

/**
 * One page of conversations, newest activity first, keyset-paginated on (last_message_at, id) so
 * new mail arriving between pages neither repeats nor skips an item. Conversations whose messages
 * were all removed have message_count 0 (counters count live messages only) and are left out.
 * Rides conversations_org_last_idx (org_id, last_message_at desc).
 */
export async function listConversations(
  db: Db,
  viewer: Viewer,
  query: ListQuery,
): Promise<{ conversations: ConversationItem[]; nextCursor: string | null }> {
  // The visible channels first (a handful per org), so the list itself is a plain walk down the
  // (org_id, last_message_at desc) index that stops after one page.
  const channelIds = await visibleChannelIds(db, viewer, query.inboxId);
  if (channelIds.length === 0) return { conversations: [], nextCursor: null };
  const where: (SQL | undefined)[] = [
    eq(conversations.orgId, viewer.orgId),
    isNotNull(conversations.lastMessageAt),
    gt(conversations.messageCount, 0),
    inArray(conversations.channelId, channelIds),
  ];
  if (query.ids) {
    const ids = query.ids.filter(isUuid);
    if (ids.length === 0) return { conversations: [], nextCursor: null };
    where.push(inArray(conversations.id, ids));
  } else if (query.cursor) {
    const { at, id } = decodeCursor(query.cursor);
    // (last_message_at, id) < (at, id), spelt so the first half is an index condition.
    where.push(
      sql`${conversations.lastMessageAt} <= ${at}::timestamptz and (${conversations.lastMessageAt} < ${at}::timestamptz or ${conversations.id} < ${id}::uuid)`,
    );
  }
  const limit = query.ids ? MAX_PAGE : query.limit;
  const rows = await db
    .select({
      id: conversations.id,
      subject: conversations.subject,
      snippet: conversations.snippet,
      lastMessageAt: conversations.lastMessageAt,
      cursorAt: sql<string>`${conversations.lastMessageAt}::text`,
      messageCount: conversations.messageCount,
      unreadCount: conversations.unreadCount,
      channelId: channels.id,
      channelEmail: channels.email,
      channelName: channels.displayName,
    })
    .from(conversations)
    .innerJoin(channels, eq(channels.id, conversations.channelId))
    .where(and(...where))
    // "desc nulls last" as the index is declared, so Postgres walks it instead of sorting.
    .orderBy(sql`${conversations.lastMessageAt} desc nulls last`, desc(conversations.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const people = await participantsOf(
    db,
    viewer.orgId,
    page.map((r) => r.id),
  );
  const last = page.at(-1);
  return {
    conversations: page.map((r) => ({
      id: r.id,
      subject: r.subject,
      snippet: r.snippet,
      lastMessageAt: r.lastMessageAt!.toISOString(),
      messageCount: r.messageCount,
      unreadCount: r.unreadCount,
      channel: { id: r.channelId, email: r.channelEmail, name: r.channelName },
      participants: participantsFor(people.get(r.id)?.recent ?? [], r.channelEmail),
      hasAttachments: people.get(r.id)?.hasAttachments ?? false,
    })),
    nextCursor:
      !query.ids && rows.length > limit && last ? encodeCursor({ at: last.cursorAt, id: last.id }) : null,
  };
}

interface RecentMessage {
  conversation_id: string;
  has_attachments: boolean;
  direction: string;
  from_name: string | null;
  from_address: string | null;
  to_recipients: MailAddress[] | string | null;
}

interface PageExtras {
  recent: RecentMessage[];
  hasAttachments: boolean;
}

/**
 * For the listed conversations only, in one query: their latest few live messages (a lateral
 * join on messages_conversation_received_idx) and whether any live message has attachments.
 */
async function participantsOf(db: Db, orgId: string, ids: string[]): Promise<Map<string, PageExtras>> {
  const byConversation = new Map<string, PageExtras>();
  if (ids.length === 0) return byConversation;
  const result = await db.execute<Record<string, unknown>>(sql`
    select c.id as conversation_id, r.direction, r.from_name, r.from_address, r.to_recipients,
      exists (select 1 from ${messages} a where a.conversation_id = c.id and a.removed_at is null and a.has_attachments) as has_attachments
    from ${conversations} c
    cross join lateral (
      select m.direction, m.from_name, m.from_address, m.to_recipients
      from ${messages} m
      where m.conversation_id = c.id and m.removed_at is null
      order by coalesce(m.received_at, m.sent_at) desc nulls last
      limit ${PARTICIPANT_MESSAGES}
    ) r
    where c.org_id = ${orgId} and c.id in (${sql.join(
      ids.map((id) => sql`${id}::uuid`),
      sql`, `,
    )})`);
  for (const row of result.rows as unknown as RecentMessage[]) {
    const extras = byConversation.get(row.conversation_id) ?? { recent: [], hasAttachments: false };
    extras.recent.push(row);
    extras.hasAttachments ||= row.has_attachments === true;
    byConversation.set(row.conversation_id, extras);
  }
  return byConversation;
}

/** Channels feeding an inbox the viewer can see (or the one given inbox), in the viewer's org. */
export async function visibleChannelIds(db: Db, viewer: Viewer, inboxId?: string): Promise<string[]> {
  const rows = await db
    .select({ id: channels.id })
    .from(channels)
    .where(and(eq(channels.orgId, viewer.orgId), visibleChannel(viewer, channels.id, inboxId)));
  return rows.map((r) => r.id);
}

/**
 * Who the thread is with: senders of the latest inbound messages and recipients of the latest
 * outbound ones, newest first, without the mailbox itself, each address once.
 */
function participantsFor(recent: RecentMessage[], mailbox: string): Person[] {
  const seen = new Set<string>([mailbox.toLowerCase()]);
  const people: Person[] = [];
  const add = (person: Person) => {
    const key = person.address.toLowerCase();
    if (seen.has(key) || people.length >= PARTICIPANTS) return;
    seen.add(key);
    people.push(person);
  };
  for (const m of recent) {
    if (m.from_address) add({ name: m.from_name, address: m.from_address });
    if (m.direction === "outbound") for (const to of recipients(m.to_recipients)) add(to);
  }
  return people;
}

/** jsonb comes back parsed from node-postgres and PGlite alike; a string is parsed defensively. */
function recipients(value: MailAddress[] | string | null): Person[] {
  const list: unknown = typeof value === "string" ? JSON.parse(value) : value;
  if (!Array.isArray(list)) return [];
  return list.flatMap((r: Partial<MailAddress>) =>
    typeof r?.address === "string" ? [{ name: r.name ?? null, address: r.address }] : [],
  );
}

/** The channels behind the viewer's inboxes (or one inbox), with whether their first import runs. */
export async function channelsInScope(
  db: Db,
  viewer: Viewer,
  inboxId?: string,
): Promise<ChannelSyncSummary[]> {
  const rows = await db
    .select({
      id: channels.id,
      email: channels.email,
      name: channels.displayName,
      status: channels.status,
      initialSyncedAt: channelSyncState.initialSyncedAt,
      // Before the sync state row exists, the cursors say whether every folder finished its first round.
      foldersDone: sql<number>`(select count(*)::int from ${syncCursors} sc where sc.channel_id = ${channels.id} and sc.initial_completed_at is not null)`,
    })
    .from(channels)
    .leftJoin(channelSyncState, eq(channelSyncState.channelId, channels.id))
    .where(and(eq(channels.orgId, viewer.orgId), visibleChannel(viewer, channels.id, inboxId)))
    .orderBy(asc(channels.email));
  return rows.map((r) => ({
    id: r.id,
    email: r.email,
    name: r.name,
    status: r.status,
    importing:
      r.status === "connected" &&
      r.initialSyncedAt === null &&
      Number(r.foldersDone) < FOLLOWED_FOLDERS.length,
  }));
}

export type MessageRow = typeof messages.$inferSelect;

/** A live message the viewer may see, by our id; 404 for anything else (other orgs included). */
export async function findVisibleMessage(db: Db, viewer: Viewer, messageId: string): Promise<MessageRow> {
  if (!isUuid(messageId)) throw notFound("Message");
  const [row] = await db
    .select()
    .from(messages)
    .where(
      and(
        eq(messages.id, messageId),
        eq(messages.orgId, viewer.orgId),
        isNull(messages.removedAt),
        visibleChannel(viewer, messages.channelId),
      ),
    )
    .limit(1);
  if (!row) throw notFound("Message");
  return row;
}

/** One conversation with its live messages, oldest first; 404 unless the viewer may see it. */
export async function getConversation(db: Db, viewer: Viewer, conversationId: string) {
  if (!isUuid(conversationId)) throw notFound("Conversation");
  const [conversation] = await db
    .select({
      id: conversations.id,
      subject: conversations.subject,
      lastMessageAt: conversations.lastMessageAt,
      messageCount: conversations.messageCount,
      unreadCount: conversations.unreadCount,
      channelId: channels.id,
      channelEmail: channels.email,
      channelName: channels.displayName,
    })
    .from(conversations)
    .innerJoin(channels, eq(channels.id, conversations.channelId))
    .where(
      and(
        eq(conversations.id, conversationId),
        eq(conversations.orgId, viewer.orgId),
        visibleChannel(viewer, conversations.channelId),
      ),
    )
    .limit(1);
  if (!conversation) throw notFound("Conversation");
  const rows = await db
    .select()
    .from(messages)
    .where(
      and(
        eq(messages.conversationId, conversationId),
        eq(messages.orgId, viewer.orgId),
        isNull(messages.removedAt),
      ),
    )
    // Graph's times are whole seconds: within one, the message we stored first comes first.
    .orderBy(
      sql`coalesce(${messages.receivedAt}, ${messages.sentAt}) asc nulls last`,
      asc(messages.createdAt),
      asc(messages.id),
    );
  if (rows.length === 0) throw notFound("Conversation");
  return {
    conversation: {
      id: conversation.id,
      subject: conversation.subject,
      lastMessageAt: conversation.lastMessageAt?.toISOString() ?? null,
      messageCount: conversation.messageCount,
      unreadCount: conversation.unreadCount,
      channel: {
        id: conversation.channelId,
        email: conversation.channelEmail,
        name: conversation.channelName,
      },
    },
    rows,
  };
}

export function messageView(row: MessageRow): MessageView {
  const date = row.receivedAt ?? row.sentAt;
  return {
    id: row.id,
    direction: row.direction,
    from: row.fromAddress ? { name: row.fromName, address: row.fromAddress } : null,
    to: recipients(row.toRecipients),
    cc: recipients(row.ccRecipients),
    date: date?.toISOString() ?? null,
    subject: row.subject,
    isRead: row.isRead,
    text: row.bodyContentType === "html" ? htmlToText(row.bodyContent) : row.bodyContent,
    hasAttachments: row.hasAttachments,
    attachments: row.attachments ? row.attachments.map(attachmentView) : null,
  };
}

/** Graph's attachment ids are long and Graph's own; the browser gets a stable digest instead. */
export function attachmentKey(graphAttachmentId: string): string {
  return createHash("sha256").update(graphAttachmentId).digest("base64url").slice(0, 22);
}

function attachmentView(a: AttachmentInfo): AttachmentView {
  return {
    id: attachmentKey(a.id),
    name: a.name,
    contentType: a.contentType,
    size: a.size,
    isInline: a.isInline,
  };
}
