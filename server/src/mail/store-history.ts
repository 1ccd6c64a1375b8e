import { sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import type { GraphMessage } from "../microsoft/message-schema.ts";
import type { FollowedFolder } from "./folders.ts";
import { mapGraphMessage } from "./map-graph-message.ts";
import { conversations, messages } from "./schema.ts";

export type HistoryTx = Parameters<Parameters<Db["transaction"]>[0]>[0];

export interface HistoryTarget {
  orgId: string;
  channelId: string;
  folder: FollowedFolder;
}

export interface StoredHistory {
  /** Messages that were new to us and are now stored. */
  inserted: number;
  /** Our ids of the conversations that gained a message. */
  conversationIds: string[];
}

/**
 * Stores a page of older mail (a backfill's message list) inside the caller's transaction.
 * Unlike a delta page it only ever adds: a message we already hold is left exactly as it is,
 * because the live delta wrote it and stays the truth for it (it may know of a later read state,
 * a move or a deletion that this older listing does not). So a backfill can run alongside the
 * live sync without taking its lease, and replaying a page after a crash changes nothing.
 */
export async function insertHistoryPage(
  tx: HistoryTx,
  target: HistoryTarget,
  page: GraphMessage[],
): Promise<StoredHistory> {
  if (page.length === 0) return { inserted: 0, conversationIds: [] };
  const rows = [...new Map(page.map((m) => [m.id, mapGraphMessage(m, target.folder)])).values()];
  // The whole page travels as one JSON parameter that Postgres unpacks (jsonb_to_recordset):
  // a 1,000-message page as bind parameters would be ~25,000 of them, several times slower to
  // send and plan, on PGlite most of all.
  const json = JSON.stringify(
    rows.map((r) => ({
      graph_conversation_id: r.graphConversationId,
      graph_id: r.graphId,
      internet_message_id: r.internetMessageId,
      folder: r.folder,
      direction: r.direction,
      from_address: r.fromAddress,
      from_name: r.fromName,
      to_recipients: r.toRecipients,
      cc_recipients: r.ccRecipients,
      bcc_recipients: r.bccRecipients,
      reply_to: r.replyTo,
      subject: r.subject ?? "",
      body_preview: r.bodyPreview ?? "",
      body_content_type: r.bodyContentType ?? "text",
      body_content: r.bodyContent ?? "",
      received_at: r.receivedAt?.toISOString() ?? null,
      sent_at: r.sentAt?.toISOString() ?? null,
      is_read: r.isRead ?? false,
      has_attachments: r.hasAttachments ?? false,
      attachments: r.attachments ?? null,
      categories: r.categories ?? [],
      web_link: r.webLink ?? null,
    })),
  );
  await tx.execute(sql`
    insert into ${conversations} (org_id, channel_id, graph_conversation_id, subject)
    select distinct on (x.graph_conversation_id) ${target.orgId}, ${target.channelId}::uuid, x.graph_conversation_id, x.subject
    from jsonb_to_recordset(${json}::jsonb) as x(graph_conversation_id text, subject text)
    order by x.graph_conversation_id
    on conflict (channel_id, graph_conversation_id) do nothing`);
  const inserted = await tx.execute<{ conversation_id: string }>(sql`
    insert into ${messages} (
      org_id, channel_id, conversation_id, graph_id, internet_message_id, folder, direction,
      from_address, from_name, to_recipients, cc_recipients, bcc_recipients, reply_to, subject,
      body_preview, body_content_type, body_content, received_at, sent_at, is_read,
      has_attachments, attachments, categories, web_link
    )
    select ${target.orgId}, ${target.channelId}::uuid, c.id, x.graph_id, x.internet_message_id, x.folder,
      x.direction, x.from_address, x.from_name, x.to_recipients, x.cc_recipients, x.bcc_recipients,
      x.reply_to, x.subject, x.body_preview, x.body_content_type, x.body_content, x.received_at,
      x.sent_at, x.is_read, x.has_attachments, x.attachments, x.categories, x.web_link
    from jsonb_to_recordset(${json}::jsonb) as x(
      graph_conversation_id text, graph_id text, internet_message_id text, folder text, direction text,
      from_address text, from_name text, to_recipients jsonb, cc_recipients jsonb, bcc_recipients jsonb,
      reply_to jsonb, subject text, body_preview text, body_content_type text, body_content text,
      received_at timestamptz, sent_at timestamptz, is_read boolean, has_attachments boolean,
      attachments jsonb, categories jsonb, web_link text
    )
    join ${conversations} c
      on c.channel_id = ${target.channelId}::uuid and c.graph_conversation_id = x.graph_conversation_id
    on conflict (channel_id, graph_id) do nothing
    returning conversation_id`);
  const touched = [...new Set(inserted.rows.map((r) => r.conversation_id))];
  await recountConversations(tx, touched);
  return { inserted: inserted.rows.length, conversationIds: touched };
}

/**
 * Counters, subject, snippet and last activity recomputed from the live messages — the rule the
 * delta store applies (store-page.ts), so both writers agree on what a thread shows — in one
 * grouped pass over the touched threads rather than five subqueries per thread.
 */
async function recountConversations(tx: HistoryTx, ids: string[]) {
  if (ids.length === 0) return;
  const at = sql.raw("coalesce(m.received_at, m.sent_at)");
  await tx.execute(sql`
    update ${conversations} c set
      message_count = s.message_count,
      unread_count = s.unread_count,
      last_message_at = s.last_message_at,
      subject = coalesce(s.first_subject, c.subject),
      snippet = coalesce(s.last_preview, ''),
      updated_at = now()
    from (
      select m.conversation_id,
        count(*)::int as message_count,
        (count(*) filter (where not m.is_read and m.direction = 'inbound'))::int as unread_count,
        max(${at}) as last_message_at,
        (array_agg(m.subject order by ${at} asc nulls last))[1] as first_subject,
        (array_agg(m.body_preview order by ${at} desc nulls last))[1] as last_preview
      from ${messages} m
      where m.conversation_id in (
        select value::uuid from jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb)
      ) and m.removed_at is null
      group by m.conversation_id
    ) s
    where c.id = s.conversation_id`);
}
