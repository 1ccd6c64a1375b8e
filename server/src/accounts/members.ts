import type { Member } from "@mailroom/contract";
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { forbidden, notFound } from "../errors.ts";
import { type MembershipChange, removalRefusal, roleChangeRefusal } from "./member-policy.ts";
import { parseRole, type Role } from "./roles.ts";
import { member, session, user } from "./schema.ts";

export type MemberView = Member;

const memberViewColumns = {
  id: member.id,
  userId: member.userId,
  name: user.name,
  email: user.email,
  role: member.role,
  createdAt: member.createdAt,
};

function toView(row: {
  id: string;
  userId: string;
  name: string;
  email: string;
  role: string;
  createdAt: Date;
}): MemberView {
  return { ...row, role: parseRole(row.role), createdAt: row.createdAt.toISOString() };
}

/** The org's members, earliest first. */
export async function listMembers(db: Db, orgId: string): Promise<MemberView[]> {
  const rows = await db
    .select(memberViewColumns)
    .from(member)
    .innerJoin(user, eq(user.id, member.userId))
    .where(eq(member.organizationId, orgId))
    .orderBy(asc(member.createdAt), asc(member.id));
  return rows.map(toView);
}

export async function findMember(db: Db, orgId: string, memberId: string): Promise<MemberView | null> {
  const [row] = await db
    .select(memberViewColumns)
    .from(member)
    .innerJoin(user, eq(user.id, member.userId))
    .where(and(eq(member.organizationId, orgId), eq(member.id, memberId)));
  return row ? toView(row) : null;
}

/** Who these users are, for those of them who belong to the org, by name. */
export async function membersAmong(
  db: Db,
  orgId: string,
  userIds: string[],
): Promise<{ userId: string; name: string; email: string }[]> {
  if (userIds.length === 0) return [];
  return db
    .select({ userId: user.id, name: user.name, email: user.email })
    .from(member)
    .innerJoin(user, eq(user.id, member.userId))
    .where(and(eq(member.organizationId, orgId), inArray(member.userId, userIds)))
    .orderBy(asc(user.name));
}

/** A user's name and address (whoever they are: someone who left an org keeps theirs). */
export async function userSummary(db: Db, userId: string): Promise<{ name: string; email: string } | null> {
  const [row] = await db
    .select({ name: user.name, email: user.email })
    .from(user)
    .where(eq(user.id, userId))
    .limit(1);
  return row ?? null;
}

/** True when someone with this email already belongs to the org. */
export async function isMemberByEmail(db: Db, orgId: string, email: string): Promise<boolean> {
  const [row] = await db
    .select({ id: member.id })
    .from(member)
    .innerJoin(user, eq(user.id, member.userId))
    .where(and(eq(member.organizationId, orgId), eq(sql`lower(${user.email})`, email.toLowerCase())))
    .limit(1);
  return row !== undefined;
}

interface MemberAction {
  orgId: string;
  actorUserId: string;
  memberId: string;
}

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

/**
 * Locks the org's memberships and reads who is acting on whom, so "never remove or demote the
 * last owner" holds even when two owners act at the same moment. A member id from another org
 * is simply not found.
 */
async function lockChange(tx: Tx, { orgId, actorUserId, memberId }: MemberAction) {
  const rows = await tx
    .select({ id: member.id, userId: member.userId, role: member.role })
    .from(member)
    .where(eq(member.organizationId, orgId))
    .orderBy(asc(member.id))
    .for("update");
  const all = rows.map((r) => ({ ...r, role: parseRole(r.role) }));
  const target = all.find((m) => m.id === memberId);
  if (!target) throw notFound("Member");
  const actor = all.find((m) => m.userId === actorUserId);
  if (!actor) throw forbidden("You're no longer a member of this organization");
  const change: MembershipChange = {
    actor,
    target,
    ownerCount: all.filter((m) => m.role === "owner").length,
  };
  return { change, target };
}

export async function changeMemberRole(db: Db, action: MemberAction, role: Role): Promise<MemberView> {
  await db.transaction(async (tx) => {
    const { change, target } = await lockChange(tx, action);
    const refusal = roleChangeRefusal(change, role);
    if (refusal) throw refusal;
    await tx
      .update(member)
      .set({ role })
      .where(and(eq(member.id, target.id), eq(member.organizationId, action.orgId)));
  });
  const updated = await findMember(db, action.orgId, action.memberId);
  if (!updated) throw notFound("Member");
  return updated;
}

/** Removes a member (or lets one leave); their sessions stop pointing at the org. */
export async function removeMember(db: Db, action: MemberAction): Promise<void> {
  await db.transaction(async (tx) => {
    const { change, target } = await lockChange(tx, action);
    const refusal = removalRefusal(change);
    if (refusal) throw refusal;
    await tx.delete(member).where(and(eq(member.id, target.id), eq(member.organizationId, action.orgId)));
    await tx
      .update(session)
      .set({ activeOrganizationId: null })
      .where(and(eq(session.userId, target.userId), eq(session.activeOrganizationId, action.orgId)));
  });
}
