import type { FastifyReply, FastifyRequest } from "fastify";
import type { Database } from "../db/client.ts";
import { forbidden, unauthenticated } from "../errors.ts";
import type { Auth } from "./auth.ts";
import { toFetchHeaders } from "./fetch-headers.ts";
import { findMembership } from "./orgs.ts";
import { type Role, rolesRequiredMessage } from "./roles.ts";

export interface SessionUser {
  /** The session row's id: OAuth states are bound to it (channels/oauth-state.ts). */
  sessionId: string;
  userId: string;
  email: string;
  name: string;
  activeOrgId: string | null;
}

export interface OrgMember {
  userId: string;
  email: string;
  name: string;
  orgId: string;
  orgName: string;
  role: Role;
}

/**
 * The logged-in user, read from the session row on every call (no cookie cache), so a logout or
 * an expired session is refused at once. Pass `reply` to forward the refreshed session cookie
 * Better Auth issues once a day, which keeps active users' cookies rolling.
 */
export async function readSession(
  request: FastifyRequest,
  auth: Auth,
  reply?: FastifyReply,
): Promise<SessionUser | null> {
  const { headers, response } = await auth.api.getSession({
    headers: toFetchHeaders(request.headers),
    returnHeaders: true,
  });
  if (reply) {
    const cookies = headers.getSetCookie();
    if (cookies.length) reply.header("set-cookie", cookies);
  }
  if (!response) return null;
  const { user, session } = response;
  return {
    sessionId: session.id,
    userId: user.id,
    email: user.email,
    name: user.name,
    activeOrgId: session.activeOrganizationId ?? null,
  };
}

/** The logged-in user, or 401. */
export async function requireUser(
  request: FastifyRequest,
  auth: Auth,
  reply?: FastifyReply,
): Promise<SessionUser> {
  const user = await readSession(request, auth, reply);
  if (!user) throw unauthenticated();
  return user;
}

/**
 * The logged-in user as a member of their active organization, or 401 / 403. Every org-scoped
 * route starts here and scopes its queries by the returned `orgId`.
 */
export async function requireMember(
  request: FastifyRequest,
  auth: Auth,
  database: Database,
  options: { roles?: readonly Role[] } = {},
): Promise<OrgMember> {
  const user = await requireUser(request, auth);
  if (!user.activeOrgId) throw forbidden("Create or choose an organization first");
  const membership = await findMembership(database.db, user.userId, user.activeOrgId);
  if (!membership) throw forbidden("You're no longer a member of this organization — choose another one");
  if (options.roles && !options.roles.includes(membership.role))
    throw forbidden(rolesRequiredMessage(options.roles));
  return {
    userId: user.userId,
    email: user.email,
    name: user.name,
    orgId: membership.org.id,
    orgName: membership.org.name,
    role: membership.role,
  };
}
