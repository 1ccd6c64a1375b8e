import { and, asc, eq, exists, inArray, or, sql } from "drizzle-orm";
import type { Role } from "../accounts/roles.ts";
import type { SecretBox } from "../crypto/secret-box.ts";
import type { Db } from "../db/client.ts";
import { notFound } from "../errors.ts";
import { inboxChannels, inboxes, inboxMembers } from "../inbox/schema.ts";
import type { TokenSet } from "../microsoft/identity-client.ts";
import type { DiscoveredAlias } from "./discover-aliases.ts";
import { channelAliases, channels } from "./schema.ts";

export type ChannelRow = typeof channels.$inferSelect;

export interface ConnectedMailbox {
  orgId: string;
  userId: string;
  msTenantId: string;
  msUserId: string;
  email: string;
  mailboxName: string | null;
  credentialSource: "platform" | "byoc";
  credentialsId: string | null;
  clientId: string;
  tokens: TokenSet;
}

/**
 * Creates the channel, or — for the same Microsoft user and tenant in the same org — updates the
 * existing one: new tokens, status back to connected, settings/aliases/links/conversations kept.
 * Returns the row and whether it was new.
 */
export async function upsertConnectedChannel(
  db: Db,
  box: SecretBox,
  m: ConnectedMailbox,
): Promise<{ channel: ChannelRow; created: boolean; previousStatus: ChannelRow["status"] | undefined }> {
  const now = new Date();
  const id = crypto.randomUUID();
  const [before] = await db
    .select({ status: channels.status })
    .from(channels)
    .where(
      and(
        eq(channels.orgId, m.orgId),
        eq(channels.msTenantId, m.msTenantId),
        eq(channels.msUserId, m.msUserId),
      ),
    )
    .limit(1);
  const [row] = await db
    .insert(channels)
    .values({
      id,
      orgId: m.orgId,
      status: "connected",
      credentialSource: m.credentialSource,
      credentialsId: m.credentialsId,
      clientId: m.clientId,
      msTenantId: m.msTenantId,
      msUserId: m.msUserId,
      email: m.email,
      mailboxName: m.mailboxName,
      displayName: m.mailboxName || m.email,
      connectedBy: m.userId,
      connectedAt: now,
      scopes: m.tokens.scopes.join(" "),
      accessTokenExpiresAt: new Date(m.tokens.expiresAt),
      // Tokens are sealed below, once the row id (their context) is known.
      accessTokenSealed: null,
      refreshTokenSealed: null,
    })
    .onConflictDoUpdate({
      target: [channels.orgId, channels.msTenantId, channels.msUserId],
      set: {
        status: "connected",
        statusReason: null,
        statusChangedAt: now,
        credentialSource: m.credentialSource,
        credentialsId: m.credentialsId,
        clientId: m.clientId,
        email: m.email,
        mailboxName: m.mailboxName,
        connectedBy: m.userId,
        connectedAt: now,
        scopes: m.tokens.scopes.join(" "),
        accessTokenExpiresAt: new Date(m.tokens.expiresAt),
        updatedAt: now,
      },
    })
    .returning();
  const channel = row!;
  await saveTokens(db, box, channel.id, m.tokens);
  return { channel, created: channel.id === id, previousStatus: before?.status };
}

/** Seals and stores a token set; a rotated refresh token always replaces the old one. */
export async function saveTokens(db: Db, box: SecretBox, channelId: string, tokens: TokenSet): Promise<void> {
  await db
    .update(channels)
    .set({
      accessTokenSealed: box.seal(tokens.accessToken, `channel:${channelId}:access_token`),
      accessTokenExpiresAt: new Date(tokens.expiresAt),
      ...(tokens.refreshToken
        ? { refreshTokenSealed: box.seal(tokens.refreshToken, `channel:${channelId}:refresh_token`) }
        : {}),
      ...(tokens.scopes.length ? { scopes: tokens.scopes.join(" ") } : {}),
      updatedAt: new Date(),
    })
    .where(eq(channels.id, channelId));
}

/**
 * Replaces the channel's aliases with what Microsoft says now. The channel row is updated first,
 * which locks it: two refreshes at once take turns, where interleaved they would both delete the
 * old rows and the second insert would collide with the first's (a unique violation).
 */
export async function replaceAliases(
  db: Db,
  orgId: string,
  channelId: string,
  aliases: DiscoveredAlias[],
): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.update(channels).set({ aliasesRefreshedAt: new Date() }).where(eq(channels.id, channelId));
    await tx
      .delete(channelAliases)
      .where(and(eq(channelAliases.channelId, channelId), eq(channelAliases.orgId, orgId)));
    if (aliases.length) {
      await tx.insert(channelAliases).values(
        aliases.map((a) => ({
          orgId,
          channelId,
          address: a.address,
          addressLower: a.address.toLowerCase(),
          isPrimary: a.isPrimary,
          source: a.source,
        })),
      );
    }
  });
}

export async function findChannel(db: Db, orgId: string, channelId: string): Promise<ChannelRow> {
  if (!/^[0-9a-f-]{36}$/i.test(channelId)) throw notFound("Channel");
  const [row] = await db
    .select()
    .from(channels)
    .where(and(eq(channels.id, channelId), eq(channels.orgId, orgId)))
    .limit(1);
  if (!row) throw notFound("Channel");
  return row;
}

/** A channel by id, whatever its org (for jobs, which carry a channel id only); undefined if gone. */
export async function findChannelById(db: Db, channelId: string): Promise<ChannelRow | undefined> {
  const [row] = await db.select().from(channels).where(eq(channels.id, channelId)).limit(1);
  return row;
}

/** The org a channel belongs to; undefined if the channel is gone. */
export async function orgOfChannel(db: Db, channelId: string): Promise<string | undefined> {
  const [row] = await db
    .select({ orgId: channels.orgId })
    .from(channels)
    .where(eq(channels.id, channelId))
    .limit(1);
  return row?.orgId;
}

/** Every connected channel, across orgs (the sync sweep visits each). */
export async function connectedChannelIds(db: Db): Promise<string[]> {
  const rows = await db.select({ id: channels.id }).from(channels).where(eq(channels.status, "connected"));
  return rows.map((r) => r.id);
}

/** Which of these channels are connected. */
export async function connectedAmong(db: Db, channelIds: string[]): Promise<Set<string>> {
  if (channelIds.length === 0) return new Set();
  const rows = await db
    .select({ id: channels.id })
    .from(channels)
    .where(and(inArray(channels.id, channelIds), eq(channels.status, "connected")));
  return new Set(rows.map((r) => r.id));
}

/** The org's channels with their connection status (sync health lists one line each). */
export async function channelStatuses(
  db: Db,
  orgId: string,
): Promise<{ id: string; status: string; statusReason: string | null }[]> {
  return db
    .select({ id: channels.id, status: channels.status, statusReason: channels.statusReason })
    .from(channels)
    .where(eq(channels.orgId, orgId));
}

/** What other pages show of a channel: its address, its name and whether it is connected. */
export interface ChannelCard {
  id: string;
  email: string;
  name: string;
  status: string;
}

/** The org's channels among these ids, by address. */
export async function channelCards(db: Db, orgId: string, channelIds: string[]): Promise<ChannelCard[]> {
  if (channelIds.length === 0) return [];
  return db
    .select({ id: channels.id, email: channels.email, name: channels.displayName, status: channels.status })
    .from(channels)
    .where(and(eq(channels.orgId, orgId), inArray(channels.id, channelIds)))
    .orderBy(asc(channels.email));
}

export async function listChannels(db: Db, orgId: string): Promise<ChannelRow[]> {
  return db.select().from(channels).where(eq(channels.orgId, orgId)).orderBy(asc(channels.createdAt));
}

export async function aliasesOf(db: Db, orgId: string, channelId: string) {
  return db
    .select({
      address: channelAliases.address,
      isPrimary: channelAliases.isPrimary,
      source: channelAliases.source,
    })
    .from(channelAliases)
    .where(and(eq(channelAliases.channelId, channelId), eq(channelAliases.orgId, orgId)))
    .orderBy(sql`${channelAliases.isPrimary} desc`, asc(channelAliases.addressLower));
}

/** Who is looking: owners and admins see every inbox, members the org-wide ones and their own. */
export interface InboxViewer {
  userId: string;
  role: Role;
}

/**
 * The shared inboxes each channel feeds that `viewer` may see — the rule of GET /api/inboxes
 * (inbox/inbox-store.ts listInboxes), so a restricted inbox's id and name stay private here too.
 */
export async function inboxesOfChannels(db: Db, orgId: string, channelIds: string[], viewer: InboxViewer) {
  if (!channelIds.length) return new Map<string, { id: string; name: string; color: string }[]>();
  const visible =
    viewer.role === "owner" || viewer.role === "admin"
      ? undefined
      : or(
          eq(inboxes.visibility, "org"),
          exists(
            db
              .select({ one: sql`1` })
              .from(inboxMembers)
              .where(and(eq(inboxMembers.inboxId, inboxes.id), eq(inboxMembers.userId, viewer.userId))),
          ),
        );
  const rows = await db
    .select({ channelId: inboxChannels.channelId, id: inboxes.id, name: inboxes.name, color: inboxes.color })
    .from(inboxChannels)
    .innerJoin(inboxes, eq(inboxes.id, inboxChannels.inboxId))
    .where(and(eq(inboxChannels.orgId, orgId), inArray(inboxChannels.channelId, channelIds), visible))
    .orderBy(asc(inboxes.name));
  const map = new Map<string, { id: string; name: string; color: string }[]>();
  for (const r of rows)
    map.set(r.channelId, [...(map.get(r.channelId) ?? []), { id: r.id, name: r.name, color: r.color }]);
  return map;
}
