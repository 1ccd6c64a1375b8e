import type { ChannelDetail, ChannelSummary, InboxRef } from "@mailroom/contract";
import { userSummary } from "../accounts/members.ts";
import type { Db } from "../db/client.ts";
import { aliasesOf, type ChannelRow, type InboxViewer, inboxesOfChannels } from "./channel-store.ts";

/** A channel as the list shows it, with the inboxes it feeds that the viewer may see. Never tokens. */
export function channelSummary(c: ChannelRow, inboxes: InboxRef[]): ChannelSummary {
  return {
    id: c.id,
    provider: c.provider,
    email: c.email,
    displayName: c.displayName,
    mailboxName: c.mailboxName,
    status: c.status,
    statusReason: c.statusReason,
    statusChangedAt: c.statusChangedAt.toISOString(),
    credentialSource: c.credentialSource,
    clientId: c.clientId,
    connectedAt: c.connectedAt.toISOString(),
    inboxes,
  };
}

/** The channel's page: its summary plus settings, aliases and who connected it. */
export async function channelDetail(
  db: Db,
  viewer: InboxViewer & { orgId: string },
  c: ChannelRow,
): Promise<ChannelDetail> {
  const [inboxes, aliases, connectedBy] = await Promise.all([
    inboxesOfChannels(db, viewer.orgId, [c.id], viewer),
    aliasesOf(db, viewer.orgId, c.id),
    c.connectedBy ? userSummary(db, c.connectedBy) : Promise.resolve(null),
  ]);
  return {
    ...channelSummary(c, inboxes.get(c.id) ?? []),
    signature: c.signature,
    autoBcc: c.autoBcc,
    undoSendSeconds: c.undoSendSeconds,
    aliases,
    aliasesRefreshedAt: c.aliasesRefreshedAt?.toISOString() ?? null,
    connectedBy,
  };
}
