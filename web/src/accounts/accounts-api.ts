import { type InvitableRole, type Role, routes } from "@mailroom/contract";
import { callApi, postToAuth } from "../api.ts";

/** The accounts API (server/src/accounts/); shapes and types are the contract's. */

export type {
  ActiveOrg,
  InvitableRole,
  Invitation,
  InvitationPreview,
  InvitationStatus,
  Me,
  Member,
  OrgSummary,
  Role,
  User,
} from "@mailroom/contract";

export const canManageOrg = (role: Role | undefined) => role === "owner" || role === "admin";

export const getMe = () => callApi(routes.getMe);

export const signUp = (input: { name: string; email: string; password: string }) =>
  postToAuth("/api/auth/sign-up/email", input);
export const signIn = (input: { email: string; password: string }) =>
  postToAuth("/api/auth/sign-in/email", input);
export const signOut = () => postToAuth("/api/auth/sign-out", {});

export const createOrg = (name: string) => callApi(routes.createOrg, { body: { name } });
export const setActiveOrg = (orgId: string) => callApi(routes.setActiveOrg, { body: { orgId } });
export const completeOnboarding = () => callApi(routes.completeOnboarding);

export const listMembers = () => callApi(routes.listMembers);
export const changeMemberRole = (memberId: string, role: Role) =>
  callApi(routes.changeMemberRole, { params: { memberId }, body: { role } });
export const removeMember = (memberId: string) => callApi(routes.removeMember, { params: { memberId } });

export const listInvitations = () => callApi(routes.listInvitations);
export const createInvitation = (email: string, role: InvitableRole) =>
  callApi(routes.createInvitation, { body: { email, role } });
export const cancelInvitation = (id: string) => callApi(routes.cancelInvitation, { params: { id } });

export const getInvitation = (id: string) => callApi(routes.getInvitation, { params: { id } });
export const acceptInvitation = (id: string) => callApi(routes.acceptInvitation, { params: { id } });

export const roleLabel: Record<Role, string> = { owner: "Owner", admin: "Admin", member: "Member" };
