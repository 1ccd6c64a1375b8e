import type { ActiveOrg } from "@mailroom/contract";
import { and, asc, eq, isNull, like, or, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { parseRole, type Role } from "./roles.ts";
import { member, organization, session } from "./schema.ts";

/** An organization as the web app sees it, from the point of view of one member. */
export type OrgView = ActiveOrg;

export interface Membership {
  memberId: string;
  role: Role;
  org: OrgView;
}

const membershipColumns = {
  memberId: member.id,
  role: member.role,
  id: organization.id,
  name: organization.name,
  slug: organization.slug,
  onboardingCompletedAt: organization.onboardingCompletedAt,
};

interface MembershipRow {
  memberId: string;
  role: string;
  id: string;
  name: string;
  slug: string;
  onboardingCompletedAt: Date | null;
}

function toMembership(row: MembershipRow): Membership {
  const role = parseRole(row.role);
  return {
    memberId: row.memberId,
    role,
    org: {
      id: row.id,
      name: row.name,
      slug: row.slug,
      role,
      onboardingCompleted: row.onboardingCompletedAt !== null,
    },
  };
}

/** The user's membership of one org, or null when they are not a member (or it doesn't exist). */
export async function findMembership(db: Db, userId: string, orgId: string): Promise<Membership | null> {
  const [row] = await db
    .select(membershipColumns)
    .from(member)
    .innerJoin(organization, eq(organization.id, member.organizationId))
    .where(and(eq(member.userId, userId), eq(member.organizationId, orgId)))
    .limit(1);
  return row ? toMembership(row) : null;
}

/** Every org the user belongs to, oldest membership first. */
export async function listMemberships(db: Db, userId: string): Promise<Membership[]> {
  const rows = await db
    .select(membershipColumns)
    .from(member)
    .innerJoin(organization, eq(organization.id, member.organizationId))
    .where(eq(member.userId, userId))
    .orderBy(asc(member.createdAt), asc(member.id));
  return rows.map(toMembership);
}

/** A fresh session starts in the user's first org, so logging in lands in the app. */
export async function startInDefaultOrg(db: Db, sessionId: string, userId: string): Promise<void> {
  const firstOrg = db
    .select({ orgId: member.organizationId })
    .from(member)
    .where(eq(member.userId, userId))
    .orderBy(asc(member.createdAt), asc(member.id))
    .limit(1);
  await db
    .update(session)
    .set({ activeOrganizationId: sql`(${firstOrg})` })
    .where(and(eq(session.id, sessionId), isNull(session.activeOrganizationId)));
}

/** Idempotent: the first completion time is kept. */
export async function markOnboardingComplete(db: Db, orgId: string): Promise<void> {
  const [row] = await db
    .select({ at: organization.onboardingCompletedAt })
    .from(organization)
    .where(eq(organization.id, orgId));
  if (row?.at) return;
  await db.update(organization).set({ onboardingCompletedAt: new Date() }).where(eq(organization.id, orgId));
}

/** `base`, or `base-2`, `base-3`… — the first slug no org has yet. */
export async function firstFreeSlug(db: Db, base: string): Promise<string> {
  const taken = await db
    .select({ slug: organization.slug })
    .from(organization)
    .where(or(eq(organization.slug, base), like(organization.slug, `${base}-%`)));
  const used = new Set(taken.map((t) => t.slug));
  if (!used.has(base)) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base}-${n}`;
    if (!used.has(candidate)) return candidate;
  }
}
