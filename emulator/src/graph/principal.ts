/**
 * Who is calling Graph: resolved from the bearer token by the graph module's `onRequest` hook and
 * left on `request.graphPrincipal` for other areas (`$batch`, throttling, subscriptions).
 * `request.graphMailbox` is the mailbox a `/me` or `/users/{id}` route resolved to.
 */
import type { Mailbox } from "../store/types.ts";

export interface GraphPrincipal {
  tenantId: string;
  /** The calling app's client id (`appid`). */
  clientId: string;
  /** The signed-in user (`oid`) for delegated tokens; null for app-only tokens. */
  userId: string | null;
  appOnly: boolean;
  /** Delegated scopes (`scp`) or application roles (`roles`), compared case-insensitively (lower-cased). */
  permissions: ReadonlySet<string>;
}

declare module "fastify" {
  interface FastifyRequest {
    graphPrincipal: GraphPrincipal | null;
    graphMailbox: Mailbox | null;
  }
}

/** True when any of the named permissions was granted (Graph accepts any higher-privileged one). */
export function hasAnyPermission(principal: GraphPrincipal, names: readonly string[]): boolean {
  for (const name of names) if (principal.permissions.has(name.toLowerCase())) return true;
  return false;
}
