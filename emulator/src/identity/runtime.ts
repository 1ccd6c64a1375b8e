/**
 * Identity runtime state that is not persisted: sign-in flows in progress (between the sign-in,
 * password and consent pages) and browser sessions (the accounts signed in before in a browser,
 * remembered by a cookie), and the failures tests switch on. Dropped on reset.
 */
import type { EmulatorContext } from "../context.ts";
import { newOpaqueToken } from "../store/ids.ts";

/** An /authorize request that passed validation, waiting for the user. */
export interface PendingAuthorization {
  id: string;
  /** The `{tenant}` segment the request came in on. */
  tenantSegment: string;
  clientId: string;
  redirectUri: string;
  /** Canonical requested scopes. */
  scopes: string[];
  state: string | null;
  nonce: string | null;
  codeChallenge: string | null;
  prompt: string | null;
  loginHint: string | null;
  responseMode: "query" | "fragment" | "form_post";
  clientInfo: boolean;
  createdAt: number;
  /** Set once the user authenticated. */
  userId?: string;
  authTime?: number;
}

export interface BrowserSession {
  id: string;
  /** User ids signed in in this browser, most recent first. */
  accounts: string[];
  /** Sign-in time per user id (SSO skips the password page for these). */
  signedInAt: Map<string, number>;
}

interface IdentityRuntime {
  flows: Map<string, PendingAuthorization>;
  sessions: Map<string, BrowserSession>;
  /**
   * Refresh tokens expired by the control API (AADSTS70008), as a sign-in frequency or token
   * lifetime policy expires them; tokens issued afterwards are not affected.
   */
  expiredRefreshTokens: Set<string>;
  /** User ids whose every access token Graph refuses with 401, fresh or not (control API). */
  graphRefused: Set<string>;
}

const runtimes = new WeakMap<EmulatorContext, IdentityRuntime>();

export function identityRuntime(ctx: EmulatorContext): IdentityRuntime {
  let runtime = runtimes.get(ctx);
  if (!runtime) {
    runtime = {
      flows: new Map(),
      sessions: new Map(),
      expiredRefreshTokens: new Set(),
      graphRefused: new Set(),
    };
    runtimes.set(ctx, runtime);
  }
  return runtime;
}

export function clearIdentityRuntime(ctx: EmulatorContext): void {
  const runtime = identityRuntime(ctx);
  runtime.flows.clear();
  runtime.sessions.clear();
  runtime.expiredRefreshTokens.clear();
  runtime.graphRefused.clear();
}

export const SESSION_COOKIE = "ESTSAUTHPERSISTENT";

export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const [key, ...value] = part.trim().split("=");
    if (key === name) return decodeURIComponent(value.join("="));
  }
  return undefined;
}

export function sessionFromCookie(
  ctx: EmulatorContext,
  cookieHeader: string | undefined,
): BrowserSession | undefined {
  const id = readCookie(cookieHeader, SESSION_COOKIE);
  return id ? identityRuntime(ctx).sessions.get(id) : undefined;
}

/** Records a sign-in in the browser's session (creating it), returning the Set-Cookie value. */
export function rememberSignIn(
  ctx: EmulatorContext,
  session: BrowserSession | undefined,
  userId: string,
): { session: BrowserSession; setCookie: string } {
  const current = session ?? { id: newOpaqueToken(24), accounts: [], signedInAt: new Map() };
  current.accounts = [userId, ...current.accounts.filter((id) => id !== userId)];
  current.signedInAt.set(userId, ctx.clock.now());
  identityRuntime(ctx).sessions.set(current.id, current);
  return {
    session: current,
    setCookie: `${SESSION_COOKIE}=${encodeURIComponent(current.id)}; Path=/; Secure; HttpOnly; SameSite=None`,
  };
}
