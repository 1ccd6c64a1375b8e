/**
 * Authentication and authorization for `/v1.0` mail routes.
 * - `authenticate` (onRequest): bearer token → `request.graphPrincipal`, or 401
 *   InvalidAuthenticationToken with a `WWW-Authenticate` challenge like Graph's.
 * - `authorizeFor(access)` (preHandler, added per route by `authorizeRoutes`): resolves `/me` or `/users/{id|upn}` to `request.graphMailbox` and checks
 *   the route's permission (`config.graphAccess`).
 * Permissions: https://learn.microsoft.com/graph/permissions-reference (Mail.*, User.*)
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerHookHandler } from "fastify";
import type { EmulatorContext } from "../context.ts";
import { graphError } from "../errors/graph-error.ts";
import { identityRuntime } from "../identity/runtime.ts";
import { verifyAccessToken } from "../identity/tokens.ts";
import type { Mailbox } from "../store/types.ts";
import { type GraphPrincipal, hasAnyPermission } from "./principal.ts";
import { graphRuntime, tokenCacheKey } from "./runtime.ts";

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

const CHALLENGE = `Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"`;

/**
 * onRequest: verifies the bearer token (cached by token string; expiry and revocation re-checked).
 * Callback-style (not async) as it runs for every Graph request.
 */
export function authenticate(request: FastifyRequest, reply: FastifyReply, done: () => void): void {
  if (request.graphPrincipal) {
    done();
    return;
  }
  const ctx = request.server.emulator;
  const principal = principalFor(ctx, bearerToken(request.headers.authorization));
  if (typeof principal === "string") {
    // https://learn.microsoft.com/graph/errors (401: "Required authentication information is either missing or not valid")
    reply.header("www-authenticate", CHALLENGE);
    graphError(reply, 401, "InvalidAuthenticationToken", principal);
    return;
  }
  if (principal.userId !== null && identityRuntime(ctx).graphRefused.has(principal.userId)) {
    reply.header("www-authenticate", CHALLENGE);
    graphError(reply, 401, "InvalidAuthenticationToken", "Access token validation failure.");
    return;
  }
  request.graphPrincipal = principal;
  done();
}

/** The token of an `Authorization: Bearer …` header (the header itself, trimmed, when not Bearer). */
function bearerToken(header: string | undefined): string {
  if (!header) return "";
  // Fast path for the usual `Bearer <token>`; anything else goes through the general rule.
  if (
    header.startsWith("Bearer ") &&
    visibleAscii(header.charCodeAt(7)) &&
    visibleAscii(header.charCodeAt(header.length - 1))
  )
    return header.slice(7);
  return header.replace(/^Bearer\s+/i, "").trim();
}

const visibleAscii = (code: number): boolean => code > 32 && code < 127;

/** The principal for a token, or the 401 message. */
export function principalFor(ctx: EmulatorContext, token: string): GraphPrincipal | string {
  const cache = graphRuntime(ctx.store).tokens;
  const key = tokenCacheKey(token);
  const entry = token ? cache.get(key) : undefined;
  const cached = entry?.token === token ? entry : undefined;
  if (cached && stillValid(ctx, cached.principal, cached.exp, cached.iat)) return cached.principal;
  const verified = verifyAccessToken(ctx, token);
  if (!verified.ok) {
    if (cached) cache.delete(key);
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
  cache.set(key, { token, principal, exp: claims.exp, iat: claims.iat });
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

/**
 * The preHandler of a route that needs `access`: resolves the route's mailbox and checks the
 * permission. Attached per route when the route is added (see `authorizeRoutes`), so the access
 * level is known without reading the route options on every request.
 */
export function authorizeFor(access: GraphAccess) {
  return function authorize(request: FastifyRequest, reply: FastifyReply, done: () => void): void {
    const principal = request.graphPrincipal;
    if (!principal) {
      done();
      return;
    }
    const mailbox = authorizedMailbox(request, reply, access, principal);
    if (!mailbox) return;
    request.graphMailbox = mailbox;
    done();
  };
}

/** Adds `authorizeFor(config.graphAccess)` to each route of `app` that declares a `graphAccess`. */
export function authorizeRoutes(app: FastifyInstance): void {
  app.addHook("onRoute", (route) => {
    const access = route.config?.graphAccess;
    if (!access) return;
    const hook = authorizeFor(access) as preHandlerHookHandler;
    const existing = route.preHandler;
    route.preHandler =
      existing === undefined ? [hook] : [hook, ...(Array.isArray(existing) ? existing : [existing])];
  });
}

/** The mailbox the request may use, or undefined with the Graph error already sent. */
function authorizedMailbox(
  request: FastifyRequest,
  reply: FastifyReply,
  access: GraphAccess,
  principal: GraphPrincipal,
): Mailbox | undefined {
  const { store } = request.server.emulator;
  const userRef = (request.params as { userId?: string }).userId;
  let mailbox: Mailbox | undefined;
  if (userRef === undefined) {
    if (principal.appOnly) {
      graphError(reply, 400, "BadRequest", "/me request is only valid with delegated authentication flow.");
      return undefined;
    }
    mailbox = principal.userId === null ? undefined : store.state.mailboxes.get(principal.userId);
  } else {
    mailbox = store.mailbox(userRef);
    // Users of other tenants are not in the caller's directory.
    if (mailbox && mailbox.tenantId !== principal.tenantId) mailbox = undefined;
  }
  if (!mailbox) {
    notFound(reply, access, userRef ?? "me");
    return undefined;
  }
  const self = principal.userId === mailbox.id;
  if (access === "profile") {
    if (!hasAnyPermission(principal, self ? PROFILE_SELF : PROFILE_OTHERS)) {
      graphError(
        reply,
        403,
        "Authorization_RequestDenied",
        "Insufficient privileges to complete the operation.",
      );
      return undefined;
    }
  } else {
    // Delegated tokens reach only the signed-in user's mailbox (no shared-mailbox grants here).
    if (!principal.appOnly && !self) {
      graphError(reply, 403, "ErrorAccessDenied", ACCESS_DENIED);
      return undefined;
    }
    if (!hasAnyPermission(principal, MAIL_PERMISSIONS[access])) {
      graphError(reply, 403, "ErrorAccessDenied", ACCESS_DENIED);
      return undefined;
    }
  }
  return mailbox;
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
