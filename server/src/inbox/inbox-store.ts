import type { Inbox } from "@mailroom/contract";
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { membersAmong } from "../accounts/members.ts";
import type { Role } from "../accounts/roles.ts";
import { channelCards } from "../channels/channel-store.ts";
import type { Db } from "../db/client.ts";
import { AppError, badRequest, notFound } from "../errors.ts";
import { ensureDefaultInbox } from "./default-inbox.ts";
import { inboxChannels, inboxes, inboxMembers } from "./schema.ts";

export type InboxRow = typeof inboxes.$inferSelect;
export type InboxView = Inbox;

/** Inboxes the viewer may see: all for owners/admins, else org-wide ones and those they belong to. */
export async function listInboxes(
  db: Db,
  orgId: string,
  viewer: { userId: string; role: Role },
): Promise<InboxView[]> {
  await ensureDefaultInbox(db, orgId);
  const rows = await db
    .select()
    .from(inboxes)
    .where(eq(inboxes.orgId, orgId))
    .orderBy(sql`${inboxes.isDefault} desc`, asc(inboxes.name));
  const views = await hydrate(db, orgId, rows);
  if (viewer.role === "owner" || viewer.role === "admin") return views;
  return views.filter((v) => v.visibility === "org" || v.members.some((m) => m.userId === viewer.userId));
}

export async function findInbox(db: Db, orgId: string, inboxId: string): Promise<InboxRow> {
  if (!/^[0-9a-f-]{36}$/i.test(inboxId)) throw notFound("Inbox");
  const [row] = await db
    .select()
    .from(inboxes)
    .where(and(eq(inboxes.id, inboxId), eq(inboxes.orgId, orgId)))
    .limit(1);
  if (!row) throw notFound("Inbox");
  return row;
}

export async function inboxView(db: Db, orgId: string, row: InboxRow): Promise<InboxView> {
  const [view] = await hydrate(db, orgId, [row]);
  return view!;
}

async function hydrate(db: Db, orgId: string, rows: InboxRow[]): Promise<InboxView[]> {
  const ids = rows.map((r) => r.id);
  if (!ids.length) return [];
  const [links, memberLinks] = await Promise.all([
    db
      .select({ inboxId: inboxChannels.inboxId, channelId: inboxChannels.channelId })
      .from(inboxChannels)
      .where(and(eq(inboxChannels.orgId, orgId), inArray(inboxChannels.inboxId, ids))),
    db
      .select({ inboxId: inboxMembers.inboxId, userId: inboxMembers.userId })
      .from(inboxMembers)
      .where(and(eq(inboxMembers.orgId, orgId), inArray(inboxMembers.inboxId, ids))),
  ]);
  // Addresses from the channel store, by address; people from accounts, by name. People who left
  // the org keep their inbox_members rows; they are no longer listed.
  const [cards, people] = await Promise.all([
    channelCards(db, orgId, [...new Set(links.map((l) => l.channelId))]),
    membersAmong(db, orgId, [...new Set(memberLinks.map((m) => m.userId))]),
  ]);
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    description: r.description,
    color: r.color,
    visibility: r.visibility,
    isDefault: r.isDefault,
    channels: cards
      .filter((c) => links.some((l) => l.inboxId === r.id && l.channelId === c.id))
      .map(({ id, email }) => ({ id, email })),
    members: people.filter((p) => memberLinks.some((m) => m.inboxId === r.id && m.userId === p.userId)),
  }));
}

/**
 * Checks every id is a member of the org, before anything is written, so a bad list never leaves
 * a half-saved inbox behind.
 */
export async function assertOrgMembers(db: Db, orgId: string, userIds: string[]): Promise<void> {
  const unique = [...new Set(userIds)];
  if (!unique.length) return;
  const found = await membersAmong(db, orgId, unique);
  if (found.length !== unique.length) {
    const message = "Choose people who are members of this organization";
    throw badRequest(message, [{ field: "memberIds", message }]);
  }
}

/** Replaces a restricted inbox's member list (ids already checked by `assertOrgMembers`). */
export async function setInboxMembers(
  db: Db,
  orgId: string,
  inboxId: string,
  userIds: string[],
): Promise<void> {
  const unique = [...new Set(userIds)];
  await db.transaction(async (tx) => {
    await tx
      .delete(inboxMembers)
      .where(and(eq(inboxMembers.inboxId, inboxId), eq(inboxMembers.orgId, orgId)));
    if (unique.length)
      await tx.insert(inboxMembers).values(unique.map((userId) => ({ inboxId, userId, orgId })));
  });
}

/** Postgres unique violation on the (org, lower(name)) index → a 409 shown on the name field. */
export function duplicateName(err: unknown): never {
  const code =
    (err as { code?: string; cause?: { code?: string } }).code ??
    (err as { cause?: { code?: string } }).cause?.code;
  if (code === "23505") {
    const message = "An inbox with this name already exists";
    throw new AppError("conflict", message, { fields: [{ field: "name", message }] });
  }
  throw err;
}
