/**
 * Who is calling `/subscriptions`, from the bearer token (identity's verifyAccessToken), and which
 * mailbox a subscription resource names. Subscriptions need read access to the resource:
 * Mail.ReadBasic, Mail.Read (or a higher mail permission), delegated or application.
 * https://learn.microsoft.com/graph/api/subscription-post-subscriptions#permissions
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import { graphError } from "../errors/graph-error.ts";
import { verifyAccessToken } from "../identity/tokens.ts";
import type { Mailbox } from "../store/types.ts";
import type { MailResource } from "./resource.ts";

export interface SubscriptionCaller {
  tenantId: string;
  clientId: string;
  /** Signed-in user for delegated tokens; null for app-only. */
  userId: string | null;
  /** `oid`: the user, or the app's service principal (Graph's creatorId). */
  principalId: string;
  appOnly: boolean;
  permissions: ReadonlySet<string>;
  /** When the token expires (virtual epoch ms): subscriptions need reauthorizing by then. */
  tokenExpiresAt: number;
}

const READ_PERMISSIONS = ["mail.readbasic", "mail.readbasic.all", "mail.read", "mail.readwrite"];

/** The caller, or undefined after sending Graph's 401. */
export function authenticateCaller(
  request: FastifyRequest,
  reply: FastifyReply,
): SubscriptionCaller | undefined {
  const verified = verifyAccessToken(request.server.emulator, request.headers.authorization ?? "");
  if (!verified.ok) {
    graphError(reply, verified.status, verified.code, verified.message);
    return undefined;
  }
  const { claims } = verified;
  const appOnly = claims.idtyp === "app";
  const granted = appOnly ? (claims.roles ?? []) : (claims.scp ?? "").split(" ").filter(Boolean);
  return {
    tenantId: claims.tid.toLowerCase(),
    clientId: claims.appid.toLowerCase(),
    userId: appOnly ? null : claims.oid.toLowerCase(),
    principalId: claims.oid.toLowerCase(),
    appOnly,
    permissions: new Set(granted.map((name) => name.toLowerCase())),
    tokenExpiresAt: claims.exp * 1000,
  };
}

export type MailboxResolution =
  | { ok: true; mailbox: Mailbox }
  | { ok: false; status: number; code: string; message: string };

/** Graph relays Exchange's refusal inside an ExtensionError (observed wording). */
export function extensionError(operation: string, status: string, reason: string): string {
  return `Operation: ${operation}; Exception: [Status Code: ${status}; Reason: ${reason}]`;
}

/** The mailbox the resource names, if the caller may read it. */
export function resolveMailbox(
  request: FastifyRequest,
  caller: SubscriptionCaller,
  resource: MailResource,
): MailboxResolution {
  const { store } = request.server.emulator;
  let mailbox: Mailbox | undefined;
  if (resource.user === "me") {
    if (caller.appOnly)
      return {
        ok: false,
        status: 400,
        code: "BadRequest",
        message: "/me request is only valid with delegated authentication flow.",
      };
    mailbox = caller.userId === null ? undefined : store.state.mailboxes.get(caller.userId);
  } else {
    mailbox = store.mailbox(resource.user.idOrUpn);
    if (mailbox && mailbox.tenantId !== caller.tenantId) mailbox = undefined;
  }
  const ref = resource.user === "me" ? "me" : resource.user.idOrUpn;
  if (!mailbox)
    return {
      ok: false,
      status: 404,
      code: "ExtensionError",
      message: extensionError("Create", "NotFound", `The requested user '${ref}' is invalid.`),
    };
  const readable = READ_PERMISSIONS.some((name) => caller.permissions.has(name));
  const own = caller.appOnly || caller.userId === mailbox.id;
  if (!readable || !own)
    return {
      ok: false,
      status: 403,
      code: "ExtensionError",
      message: extensionError("Create", "Forbidden", "Access is denied. Check credentials and try again."),
    };
  return { ok: true, mailbox };
}
