import { z } from "zod";
import { defineRoute } from "./route.ts";
import { isoDateTime } from "./scalars.ts";

/** The three roles of an organization member, from most to least powerful. */
export const ROLES = ["owner", "admin", "member"] as const;
export const role = z.enum(ROLES);
export type Role = z.infer<typeof role>;

/** Roles an invitation may grant; owners are made by promotion, never by invitation. */
export const INVITABLE_ROLES = ["admin", "member"] as const satisfies readonly Role[];
export type InvitableRole = (typeof INVITABLE_ROLES)[number];

export const user = z.object({ id: z.string(), name: z.string(), email: z.string() });
export type User = z.infer<typeof user>;

/** An organization from the point of view of one of its members. */
export const orgSummary = z.object({ id: z.string(), name: z.string(), slug: z.string(), role });
export type OrgSummary = z.infer<typeof orgSummary>;

export const activeOrg = orgSummary.extend({ onboardingCompleted: z.boolean() });
export type ActiveOrg = z.infer<typeof activeOrg>;

export const me = z.object({ user, org: activeOrg.nullable(), orgs: z.array(orgSummary) });
export type Me = z.infer<typeof me>;

export const member = z.object({
  id: z.string(),
  userId: z.string(),
  name: z.string(),
  email: z.string(),
  role,
  createdAt: isoDateTime,
});
export type Member = z.infer<typeof member>;

/** Better Auth's stored statuses, plus "expired" for a pending invitation past its date. */
export const INVITATION_STATUSES = ["pending", "accepted", "rejected", "canceled", "expired"] as const;
export const invitationStatus = z.enum(INVITATION_STATUSES);
export type InvitationStatus = z.infer<typeof invitationStatus>;

/** What owners and admins see in the members page. */
export const invitation = z.object({
  id: z.string(),
  email: z.string(),
  role,
  status: invitationStatus,
  expiresAt: isoDateTime,
  inviterName: z.string(),
  url: z.string(),
});
export type Invitation = z.infer<typeof invitation>;

/** What an invitee sees before joining (no login needed: the link is the key). */
export const invitationPreview = z.object({
  id: z.string(),
  orgName: z.string(),
  inviterName: z.string(),
  email: z.string(),
  role,
  status: invitationStatus,
});
export type InvitationPreview = z.infer<typeof invitationPreview>;

const orgBody = z.object({ org: activeOrg });
const memberParams = z.object({ memberId: z.string().min(1).max(200) });
const idParams = z.object({ id: z.string().min(1).max(200) });
const invitationBody = z.object({ invitation });

export const createOrgInput = z.object({
  name: z
    .string({ error: "Enter a name for your organization" })
    .trim()
    .min(1, "Enter a name for your organization")
    .max(100, "Use at most 100 characters"),
});

export const inviteInput = z.object({
  email: z
    .string({ error: "Enter an email address" })
    .trim()
    .toLowerCase()
    .pipe(z.email("Enter a valid email address")),
  role: z.enum(INVITABLE_ROLES, { error: "Choose admin or member" }),
});

/** The signed-in user, their orgs, members and invitations (server/src/accounts/). */
export const accountRoutes = {
  getMe: defineRoute({ method: "GET", path: "/api/me", response: { 200: me } }),
  createOrg: defineRoute({
    method: "POST",
    path: "/api/orgs",
    body: createOrgInput,
    response: { 201: orgBody },
  }),
  setActiveOrg: defineRoute({
    method: "POST",
    path: "/api/orgs/active",
    body: z.object({ orgId: z.string({ error: "Choose an organization" }).min(1).max(200) }),
    response: { 200: orgBody },
  }),
  completeOnboarding: defineRoute({
    method: "POST",
    path: "/api/org/onboarding/complete",
    response: { 200: orgBody },
  }),

  listMembers: defineRoute({
    method: "GET",
    path: "/api/org/members",
    response: { 200: z.object({ members: z.array(member) }) },
  }),
  changeMemberRole: defineRoute({
    method: "PATCH",
    path: "/api/org/members/:memberId",
    params: memberParams,
    body: z.object({ role: z.enum(ROLES, { error: "Choose owner, admin or member" }) }),
    response: { 200: z.object({ member }) },
  }),
  /** Any member may call this to leave; the server's policy decides who may remove whom. */
  removeMember: defineRoute({
    method: "DELETE",
    path: "/api/org/members/:memberId",
    params: memberParams,
    response: { 200: z.object({ removed: z.object({ id: z.string() }) }) },
  }),

  listInvitations: defineRoute({
    method: "GET",
    path: "/api/org/invitations",
    response: { 200: z.object({ invitations: z.array(invitation) }) },
  }),
  /** 201 with a new invitation; 200 with the same one when it was already pending for that role. */
  createInvitation: defineRoute({
    method: "POST",
    path: "/api/org/invitations",
    body: inviteInput,
    response: { 200: invitationBody, 201: invitationBody },
  }),
  cancelInvitation: defineRoute({
    method: "DELETE",
    path: "/api/org/invitations/:id",
    params: idParams,
    response: { 200: invitationBody },
  }),
  getInvitation: defineRoute({
    method: "GET",
    path: "/api/invitations/:id",
    params: idParams,
    response: { 200: invitationPreview },
  }),
  acceptInvitation: defineRoute({
    method: "POST",
    path: "/api/invitations/:id/accept",
    params: idParams,
    response: { 200: orgBody },
  }),
};
