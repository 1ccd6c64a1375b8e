/**
 * Identity records (owned by `src/identity/`; extend freely). Tokens are looked up by an opaque
 * handle; expiry times are virtual epoch ms from the clock.
 */

/** Permissions a user (or an admin for the whole tenant) granted to an app. */
export interface Consent {
  /** A user id, or `*` for tenant-wide admin consent. */
  userId: string;
  tenantId: string;
  clientId: string;
  /** Granted scopes, e.g. `Mail.ReadWrite`, `offline_access`. */
  scopes: string[];
  grantedAt: number;
}

export function consentKey(userId: string, clientId: string): string {
  return `${userId}|${clientId}`;
}

export interface AuthCode {
  code: string;
  clientId: string;
  userId: string;
  tenantId: string;
  redirectUri: string;
  scopes: string[];
  codeChallenge: string | null;
  codeChallengeMethod: "S256" | "plain" | null;
  nonce: string | null;
  /** When the user entered their password (the id_token's auth_time). */
  authTime?: number;
  issuedAt: number;
  expiresAt: number;
  /** Codes are single-use (AADSTS54005 on reuse). */
  redeemed: boolean;
}

export interface RefreshToken {
  /** The opaque token handed to the client. */
  token: string;
  clientId: string;
  userId: string;
  tenantId: string;
  scopes: string[];
  /** When the user signed in interactively for this grant (kept across rotations). */
  authTime?: number;
  issuedAt: number;
  lastUsedAt: number;
  /** Rotated tokens are kept, marked, so reuse can be told apart from an unknown token. */
  rotatedAt: number | null;
  revokedAt: number | null;
}

/**
 * Identity-only fields an app registration may carry beyond `AppRegistration` (stored on the same
 * record in `state.apps`, so they persist with it).
 */
export interface AppIdentityExtras {
  /** Application permissions granted (admin-consented) for app-only tokens, e.g. `Mail.ReadWrite`. */
  applicationPermissions?: string[];
}

/** Key of a tenant-wide (admin) consent: one per tenant and app. */
export function adminConsentKey(tenantId: string, clientId: string): string {
  return consentKey(`*@${tenantId.toLowerCase()}`, clientId.toLowerCase());
}
