/**
 * Authentication and authorization for `/v1.0` mail routes.
 * - `authenticate` (onRequest): bearer token → `request.graphPrincipal`, or 401
 *   InvalidAuthenticationToken with a `WWW-Authenticate` challenge like Graph's.
 * - `authorize` (preHandler): resolves `/me` or `/users/{id|upn}` to `request.graphMailbox` and checks
 *   the route's permission (`config.graphAccess`).
 * Permissions: https://learn.microsoft.com/graph/permissions-reference (Mail.*, User.*)
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import type { EmulatorContext } from "../context.ts";
import { graphError } from "../errors/graph-error.ts";
import { verifyAccessToken } from "../identity/tokens.ts";
import type { Mailbox } from "../store/types.ts";
import { type GraphPrincipal, hasAnyPermission } from "./principal.ts";
import { graphRuntime } from "./runtime.ts";

/** What a route needs: mail read/write/send, or the user profile. */
export type GraphAccess = "mail.read" | "mail.write" | "mail.send" | "profile";

declare module "fastify" {
  interface FastifyContextConfig {
    graphAccess?: GraphAccess;
  }
}

const MAIL_PERMISSIONS: Record<Exclude<GraphAccess, "profile">, readonly string[]> = {
  "mail.read": ["Mail.ReadBasic", "Mail.ReadBasic.All", "Mail.Read", "Mail.ReadWrite"],
  "mail.write": ["Mail.ReadWrite"],
  "mail.send": ["Mail.Send"],
};
const PROFILE_SELF = [
  "User.Read",
  "User.ReadWrite",
  "User.ReadBasic.All",
  "User.Read.All",
  "User.ReadWrite.All",
  "Directory.Read.All",
];
const PROFILE_OTHERS = ["User.ReadBasic.All", "User.Read.All", "User.ReadWrite.All", "Directory.Read.All"];

export const ACCESS_DENIED = "Access is denied. Check credentials and try again.";

/** onRequest: verifies the bearer token (cached by token string; expiry and revocation re-checked). */
export async function authenticate(
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply | undefined> {
  if (request.graphPrincipal) return undefined;
  const ctx = request.server.emulator;
  const header = request.headers.authorization ?? "";
  const token = header.replace(/^Bearer\s+/i, "").trim();
  const principal = principalFor(ctx, token);
  if (typeof principal === "string") {
    // https://learn.microsoft.com/graph/errors (401: "Required authentication information is either missing or not valid")
    reply.header(
      "www-authenticate",
      `Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"`,
    );
    return graphError(reply, 401, "InvalidAuthenticationToken", principal);
  }
  request.graphPrincipal = principal;
  return undefined;
}

/** The principal for a token, or the 401 message. */
export function principalFor(ctx: EmulatorContext, token: string): GraphPrincipal | string {
  const cache = graphRuntime(ctx.store).tokens;
  const cached = token ? cache.get(token) : undefined;
  if (cached && stillValid(ctx, cached.principal, cached.exp, cached.iat)) return cached.principal;
  const verified = verifyAccessToken(ctx, token);
  if (!verified.ok) {
    cache.delete(token);
    return verified.message;
  }
  const { claims } = verified;
  const appOnly = claims.idtyp === "app";
  const granted = appOnly ? (claims.roles ?? []) : (claims.scp ?? "").split(" ").filter(Boolean);
  const principal: GraphPrincipal = {
    tenantId: claims.tid.toLowerCase(),
    clientId: claims.appid.toLowerCase(),
    userId: appOnly ? null : claims.oid.toLowerCase(),
    appOnly,
    permissions: new Set(granted.map((name) => name.toLowerCase())),
  };
  if (cache.size > 10_000) cache.clear();
  cache.set(token, { principal, exp: claims.exp, iat: claims.iat });
  return principal;
}

/** A cache hit must still pass the checks that can change after issue: expiry, user, password change. */
function stillValid(ctx: EmulatorContext, principal: GraphPrincipal, exp: number, iat: number): boolean {
  if (Math.floor(ctx.clock.now() / 1000) >= exp) return false;
  if (!ctx.store.app(principal.clientId)) return false;
  if (principal.userId === null) return true;
  const user = ctx.store.state.mailboxes.get(principal.userId);
  return user !== undefined && iat >= Math.floor(user.passwordChangedAt / 1000);
}

/** preHandler: resolves the route's mailbox and checks the permission the route needs. */
export async function authorize(
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply | undefined> {
  const access = request.routeOptions.config.graphAccess;
  const principal = request.graphPrincipal;
  if (!access || !principal) return undefined;
  const { store } = request.server.emulator;
  const userRef = (request.params as { userId?: string }).userId;
  let mailbox: Mailbox | undefined;
  if (userRef === undefined) {
    if (principal.appOnly)
      return graphError(
        reply,
        400,
        "BadRequest",
        "/me request is only valid with delegated authentication flow.",
      );
    mailbox = principal.userId === null ? undefined : store.state.mailboxes.get(principal.userId);
  } else {
    mailbox = store.mailbox(userRef);
    // Users of other tenants are not in the caller's directory.
    if (mailbox && mailbox.tenantId !== principal.tenantId) mailbox = undefined;
  }
  if (!mailbox) return notFound(reply, access, userRef ?? "me");
  const self = principal.userId === mailbox.id;
  if (access === "profile") {
    if (!hasAnyPermission(principal, self ? PROFILE_SELF : PROFILE_OTHERS))
      return graphError(
        reply,
        403,
        "Authorization_RequestDenied",
        "Insufficient privileges to complete the operation.",
      );
  } else {
    // Delegated tokens reach only the signed-in user's mailbox (no shared-mailbox grants here).
    if (!principal.appOnly && !self) return graphError(reply, 403, "ErrorAccessDenied", ACCESS_DENIED);
    if (!hasAnyPermission(principal, MAIL_PERMISSIONS[access]))
      return graphError(reply, 403, "ErrorAccessDenied", ACCESS_DENIED);
  }
  request.graphMailbox = mailbox;
  return undefined;
}

function notFound(reply: FastifyReply, access: GraphAccess, userRef: string) {
  if (access === "profile")
    return graphError(
      reply,
      404,
      "Request_ResourceNotFound",
      `Resource '${userRef}' does not exist or one of its queried reference-property objects are not present.`,
    );
  return graphError(reply, 404, "ErrorInvalidUser", `The requested user '${userRef}' is invalid.`);
}
