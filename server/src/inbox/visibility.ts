import { and, eq, type SQL, sql } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import type { Role } from "../accounts/roles.ts";
import type { Db } from "../db/client.ts";
import { notFound } from "../errors.ts";
import { inboxChannels, inboxes, inboxMembers } from "./schema.ts";

/**
 * Who may see what: a channel's mail is visible when the channel feeds an inbox that is org-wide,
 * that the viewer belongs to, or any inbox for owners and admins (inbox-store.ts). The rule is
 * written once here, over the inbox's own tables; the conversation queries (mail/) and the live
 * stream (live-scope.ts) apply it.
 */

export interface Viewer {
  orgId: string;
  userId: string;
  role: Role;
}

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

/** The viewer's visibility as a predicate over a row's channel column, for the store's reads. */
export function channelVisibility(viewer: Viewer): (channelId: AnyPgColumn) => SQL {
  return (channelId) => visibleChannel(viewer, channelId);
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

/** The channel (mailbox), if the viewer may see it; 404 "Mailbox" otherwise, as for an inbox. */
export async function assertVisibleChannel(db: Db, viewer: Viewer, channelId: string): Promise<void> {
  if (!isUuid(channelId) || !(await visibleChannelIds(db, viewer)).includes(channelId))
    throw notFound("Mailbox");
}

/** Channels feeding an inbox the viewer can see (or the one given inbox), in the viewer's org. */
export async function visibleChannelIds(db: Db, viewer: Viewer, inboxId?: string): Promise<string[]> {
  const membership = isManager(viewer.role)
    ? undefined
    : sql`(${inboxes.visibility} = 'org' or exists (select 1 from ${inboxMembers} im where im.inbox_id = ${inboxes.id} and im.user_id = ${viewer.userId}))`;
  const rows = await db
    .selectDistinct({ id: inboxChannels.channelId })
    .from(inboxChannels)
    .innerJoin(inboxes, eq(inboxes.id, inboxChannels.inboxId))
    .where(
      and(
        eq(inboxChannels.orgId, viewer.orgId),
        inboxId ? eq(inboxChannels.inboxId, inboxId) : undefined,
        membership,
      ),
    );
  return rows.map((r) => r.id);
}
