import { apiDelete, apiGet, apiPatch, apiPost } from "../api.ts";

/** Resources of the accounts API, as the server sends them. */

export type Role = "owner" | "admin" | "member";
export type InvitableRole = Exclude<Role, "owner">;

export interface User {
  id: string;
  name: string;
  email: string;
}

export interface OrgSummary {
  id: string;
  name: string;
  slug: string;
  role: Role;
}

export interface ActiveOrg extends OrgSummary {
  onboardingCompleted: boolean;
}

export interface Me {
  user: User;
  org: ActiveOrg | null;
  orgs: OrgSummary[];
}

export interface Member {
  id: string;
  userId: string;
  name: string;
  email: string;
  role: Role;
  createdAt: string;
}

export type InvitationStatus = "pending" | "accepted" | "rejected" | "canceled" | "expired";

export interface Invitation {
  id: string;
  email: string;
  role: Role;
  status: InvitationStatus;
  expiresAt: string;
  inviterName: string;
  url: string;
}

/** What an invitee sees before joining. */
export interface InvitationPreview {
  id: string;
  orgName: string;
  inviterName: string;
  email: string;
  role: Role;
  status: InvitationStatus;
}

export const canManageOrg = (role: Role | undefined) => role === "owner" || role === "admin";

export const getMe = () => apiGet<Me>("/api/me");

export const signUp = (input: { name: string; email: string; password: string }) =>
  apiPost<unknown>("/api/auth/sign-up/email", input);
export const signIn = (input: { email: string; password: string }) =>
  apiPost<unknown>("/api/auth/sign-in/email", input);
export const signOut = () => apiPost<unknown>("/api/auth/sign-out", {});

export const createOrg = (name: string) => apiPost<{ org: ActiveOrg }>("/api/orgs", { name });
export const setActiveOrg = (orgId: string) => apiPost<unknown>("/api/orgs/active", { orgId });
export const completeOnboarding = () => apiPost<unknown>("/api/org/onboarding/complete", {});

export const listMembers = () => apiGet<{ members: Member[] }>("/api/org/members");
export const changeMemberRole = (id: string, role: Role) =>
  apiPatch<unknown>(`/api/org/members/${encodeURIComponent(id)}`, { role });
export const removeMember = (id: string) => apiDelete<unknown>(`/api/org/members/${encodeURIComponent(id)}`);

export const listInvitations = () => apiGet<{ invitations: Invitation[] }>("/api/org/invitations");
export const createInvitation = (email: string, role: InvitableRole) =>
  apiPost<{ invitation: Invitation }>("/api/org/invitations", { email, role });
export const cancelInvitation = (id: string) =>
  apiDelete<unknown>(`/api/org/invitations/${encodeURIComponent(id)}`);

export const getInvitation = (id: string) =>
  apiGet<InvitationPreview>(`/api/invitations/${encodeURIComponent(id)}`);
export const acceptInvitation = (id: string) =>
  apiPost<{ org: OrgSummary }>(`/api/invitations/${encodeURIComponent(id)}/accept`, {});

export const roleLabel: Record<Role, string> = { owner: "Owner", admin: "Admin", member: "Member" };
