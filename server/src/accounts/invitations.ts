import type { Invitation, InvitationStatus } from "@mailroom/contract";
import { and, desc, eq, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { parseRole, type Role } from "./roles.ts";
import { invitation, organization, user } from "./schema.ts";

export type { InvitationStatus };

export interface InvitationRecord {
  id: string;
  orgId: string;
  orgName: string;
  email: string;
  role: Role;
  status: InvitationStatus;
  expiresAt: Date;
  inviterName: string;
}

/** What owners and admins see in the members page. */
export type InvitationView = Invitation;

export function invitationStatus(stored: string, expiresAt: Date, now = new Date()): InvitationStatus {
  if (stored === "pending") return expiresAt.getTime() <= now.getTime() ? "expired" : "pending";
  if (stored === "accepted" || stored === "rejected" || stored === "canceled") return stored;
  return "canceled";
}

/** The link the invitee opens; the web app's /invite/:id page. */
export function invitationUrl(publicUrl: string, id: string): string {
  return `${publicUrl}/invite/${encodeURIComponent(id)}`;
}

export function toInvitationView(record: InvitationRecord, publicUrl: string): InvitationView {
  return {
    id: record.id,
    email: record.email,
    role: record.role,
    status: record.status,
    expiresAt: record.expiresAt.toISOString(),
    inviterName: record.inviterName,
    url: invitationUrl(publicUrl, record.id),
  };
}

const recordColumns = {
  id: invitation.id,
  orgId: invitation.organizationId,
  orgName: organization.name,
  email: invitation.email,
  role: invitation.role,
  status: invitation.status,
  expiresAt: invitation.expiresAt,
  inviterName: user.name,
};

function selectRecords(db: Db) {
  return db
    .select(recordColumns)
    .from(invitation)
    .innerJoin(organization, eq(organization.id, invitation.organizationId))
    .innerJoin(user, eq(user.id, invitation.inviterId));
}

type Row = Awaited<ReturnType<ReturnType<typeof selectRecords>["execute"]>>[number];

function toRecord(row: Row): InvitationRecord {
  return { ...row, role: parseRole(row.role), status: invitationStatus(row.status, row.expiresAt) };
}

/** An invitation by id, whatever its org: for the invitee, who isn't a member yet. */
export async function findInvitation(db: Db, id: string): Promise<InvitationRecord | null> {
  const [row] = await selectRecords(db).where(eq(invitation.id, id));
  return row ? toRecord(row) : null;
}

/** An invitation of this org; another org's id is not found. */
export async function findOrgInvitation(db: Db, orgId: string, id: string): Promise<InvitationRecord | null> {
  const [row] = await selectRecords(db).where(
    and(eq(invitation.organizationId, orgId), eq(invitation.id, id)),
  );
  return row ? toRecord(row) : null;
}

/** The org's open invitations (pending, including those past their date), newest first. */
export async function listOpenInvitations(db: Db, orgId: string): Promise<InvitationRecord[]> {
  const rows = await selectRecords(db)
    .where(and(eq(invitation.organizationId, orgId), eq(invitation.status, "pending")))
    .orderBy(desc(invitation.createdAt), desc(invitation.id));
  return rows.map(toRecord);
}

/** Open invitations of this org for one address. */
export async function findOpenInvitationsFor(
  db: Db,
  orgId: string,
  email: string,
): Promise<InvitationRecord[]> {
  const rows = await selectRecords(db).where(
    and(
      eq(invitation.organizationId, orgId),
      eq(invitation.status, "pending"),
      eq(sql`lower(${invitation.email})`, email.toLowerCase()),
    ),
  );
  return rows.map(toRecord);
}
