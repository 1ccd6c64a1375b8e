import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import type { EventBus } from "../events/bus.ts";
import type { Logger } from "../log.ts";
import { type AttentionEmailDeps, emailChannelsNeedReconnecting } from "./attention-emails.ts";
import { type ChannelAuditAction, channelAudit, channels, type StatusReason } from "./schema.ts";

export interface AttentionDeps {
  db: Db;
  events: EventBus;
  /** SMTP (optional) and PUBLIC_URL, for the admins' email. */
  config: AttentionEmailDeps["config"];
  logger?: Pick<Logger, "warn"> | undefined;
}

/**
 * Marks connected channels `needs_reauth` with the reason, at once and once: only a channel still
 * connected changes (the first refusal is the one recorded; a second job failing the same way
 * adds nothing), its access token is dropped so no job calls Graph with it again, and for each one
 * changed an audit entry is written, the org told live and — where SMTP is configured — its admins
 * emailed (once per breakage, since only the change sends). Returns the ids that changed.
 */
export async function flagChannels(
  deps: AttentionDeps,
  orgId: string,
  channelIds: string[],
  reason: StatusReason,
): Promise<string[]> {
  if (channelIds.length === 0) return [];
  const now = new Date();
  const changed = await deps.db
    .update(channels)
    .set({
      status: "needs_reauth",
      statusReason: reason,
      statusChangedAt: now,
      accessTokenSealed: null,
      updatedAt: now,
    })
    .where(and(eq(channels.orgId, orgId), inArray(channels.id, channelIds), eq(channels.status, "connected")))
    .returning({ id: channels.id });
  const ids = changed.map((c) => c.id);
  if (ids.length === 0) return ids;
  await deps.db
    .insert(channelAudit)
    .values(ids.map((channelId) => ({ orgId, channelId, action: "needs_reauth" as const, reason, at: now })));
  for (const channelId of ids) {
    await deps.events.publish(orgId, {
      type: "channels.attention",
      data: { channelId, status: "needs_reauth", reason },
    });
    await deps.events.publish(orgId, { type: "channels.updated", data: { channelId } });
  }
  await emailChannelsNeedReconnecting(deps, orgId, ids);
  return ids;
}

/** One line of the channel's audit (reconnects, refused reconnects). */
export async function recordChannelAudit(
  db: Db,
  entry: { orgId: string; channelId: string; action: ChannelAuditAction; reason?: string; userId?: string },
): Promise<void> {
  await db.insert(channelAudit).values({
    orgId: entry.orgId,
    channelId: entry.channelId,
    action: entry.action,
    reason: entry.reason ?? null,
    userId: entry.userId ?? null,
  });
}

/** The channel's audit, newest first. */
export async function channelAuditOf(db: Db, orgId: string, channelId: string) {
  const rows = await db
    .select({ action: channelAudit.action, reason: channelAudit.reason, at: channelAudit.at })
    .from(channelAudit)
    .where(and(eq(channelAudit.orgId, orgId), eq(channelAudit.channelId, channelId)));
  return rows.sort((a, b) => b.at.getTime() - a.at.getTime());
}

/** Reasons a new client secret fixes on its own part: what is left is to reconnect. */
const SECRET_REASONS: StatusReason[] = [
  "client_secret_expired",
  "invalid_client_secret",
  "credentials_missing",
];

/**
 * The org's BYOC client id or secret was replaced in Mailroom: every channel connected with the
 * old ones is flagged now, before any call fails (its grant belongs to the old app registration).
 * Channels already waiting for a new secret now wait only for their reconnect, and say so.
 */
export async function flagCredentialsChanged(
  deps: AttentionDeps,
  orgId: string,
  credentialsId: string,
): Promise<string[]> {
  const users = await deps.db
    .select({ id: channels.id })
    .from(channels)
    .where(and(eq(channels.orgId, orgId), eq(channels.credentialsId, credentialsId)));
  const flagged = await flagChannels(
    deps,
    orgId,
    users.map((u) => u.id),
    "credentials_changed",
  );
  const waiting = await deps.db
    .update(channels)
    .set({ statusReason: "credentials_changed", updatedAt: new Date() })
    .where(
      and(
        eq(channels.orgId, orgId),
        eq(channels.credentialsId, credentialsId),
        eq(channels.status, "needs_reauth"),
        inArray(channels.statusReason, SECRET_REASONS),
      ),
    )
    .returning({ id: channels.id });
  for (const { id } of waiting)
    await deps.events.publish(orgId, {
      type: "channels.attention",
      data: { channelId: id, status: "needs_reauth", reason: "credentials_changed" },
    });
  return [...flagged, ...waiting.map((w) => w.id)];
}
