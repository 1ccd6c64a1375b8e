/**
 * The user grants: authorization_code (single use, 10 minutes, same redirect URI, PKCE S256) and
 * refresh_token (rotated on every use; the old one stays valid, as Entra does: "Refresh tokens
 * aren't revoked when used to acquire new access tokens"; dead after 90 days unused, after a
 * revocation or password change, or when consent is gone).
 * https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow#refresh-the-access-token
 * https://learn.microsoft.com/entra/identity-platform/refresh-tokens
 */
import { createHash } from "node:crypto";
import type { EmulatorContext } from "../context.ts";
import type { AadstsError } from "../errors/aadsts-error.ts";
import type { AppRegistration } from "../store/types.ts";
import type { Authority } from "./authority.ts";
import { expandDefault, grantedScopes } from "./consent.ts";
import { failures } from "./failures.ts";
import type { FormFields } from "./form-fields.ts";
import { identityRuntime } from "./runtime.ts";
import { missingScopes, parseScopes } from "./scopes.ts";
import { type TokenResponseBody, userTokenResponse } from "./token-response.ts";

/** What a grant is given: the request's form, the authenticated app, and the authority asked. */
export interface GrantInput {
  ctx: EmulatorContext;
  fields: FormFields;
  app: AppRegistration;
  authority: Authority;
}

export type GrantResult = { ok: true; body: TokenResponseBody } | { ok: false; failure: AadstsError };

/** Refresh tokens expire after 90 days without use (refresh-tokens#token-lifetime). */
export const REFRESH_TOKEN_INACTIVITY_MS = 90 * 24 * 3600_000;

export function redeemCode({ ctx, fields, app, authority }: GrantInput): GrantResult {
  if (!fields.code) return { ok: false, failure: failures.missingParameter("code") };
  const record = ctx.store.state.authCodes.get(fields.code);
  if (!record) return { ok: false, failure: failures.malformedGrant() };
  if (record.clientId !== app.clientId) return { ok: false, failure: failures.grantForOtherClient() };
  if (record.redeemed) return { ok: false, failure: failures.codeRedeemed() };
  const now = ctx.clock.now();
  if (now >= record.expiresAt) return { ok: false, failure: failures.expiredGrant() };
  if (!fields.redirect_uri) return { ok: false, failure: failures.missingParameter("redirect_uri") };
  if (fields.redirect_uri !== record.redirectUri)
    return { ok: false, failure: failures.replyAddressMismatch(fields.redirect_uri, record.redirectUri) };
  if (record.codeChallenge !== null) {
    const verifier = fields.code_verifier ?? "";
    const computed = createHash("sha256").update(verifier).digest("base64url");
    if (computed !== record.codeChallenge) return { ok: false, failure: failures.pkceMismatch() };
  }
  if (fields.scope) {
    const scopes = parseScopes(fields.scope);
    if (!scopes.ok) return { ok: false, failure: failures.invalidScope(scopes.invalid) };
  }
  record.redeemed = true;
  const user = ctx.store.mailbox(record.userId);
  if (!user) return { ok: false, failure: failures.malformedGrant() };
  if (record.issuedAt < user.passwordChangedAt)
    return { ok: false, failure: failures.revokedGrant(record.issuedAt, user.passwordChangedAt) };
  const body = userTokenResponse(ctx, {
    user,
    clientId: app.clientId,
    tenantId: authority.kind === "tenant" ? authority.tenant.id : record.tenantId,
    scopes: record.scopes,
    nonce: record.nonce,
    authTime: record.authTime,
    wantClientInfo: fields.client_info === "1",
  });
  return { ok: true, body };
}

export function redeemRefreshToken({ ctx, fields, app, authority }: GrantInput): GrantResult {
  if (!fields.refresh_token) return { ok: false, failure: failures.missingParameter("refresh_token") };
  const record = ctx.store.state.refreshTokens.get(fields.refresh_token);
  if (!record) return { ok: false, failure: failures.malformedGrant() };
  if (record.clientId !== app.clientId) return { ok: false, failure: failures.grantForOtherClient() };
  const user = ctx.store.mailbox(record.userId);
  const now = ctx.clock.now();
  if (!user) return { ok: false, failure: failures.revokedGrant(record.issuedAt, now) };
  if (record.revokedAt !== null || record.issuedAt < user.passwordChangedAt) {
    const validFrom = Math.max(record.revokedAt ?? 0, user.passwordChangedAt);
    return { ok: false, failure: failures.revokedGrant(record.issuedAt, validFrom) };
  }
  if (identityRuntime(ctx).expiredRefreshTokens.has(record.token))
    return { ok: false, failure: failures.expiredGrant() };
  if (now - record.lastUsedAt >= REFRESH_TOKEN_INACTIVITY_MS) {
    const days = Math.floor((now - record.lastUsedAt) / (24 * 3600_000));
    return { ok: false, failure: failures.inactiveRefreshToken(record.issuedAt, days) };
  }
  let requested = record.scopes;
  if (fields.scope) {
    const parsed = parseScopes(fields.scope);
    if (!parsed.ok) return { ok: false, failure: failures.invalidScope(parsed.invalid) };
    requested = expandDefault(parsed.scopes, record.scopes);
  }
  // Consent can be withdrawn after the token was issued: then the grant needs the user again.
  const granted = grantedScopes(ctx.store, user, app.clientId);
  const graphScopes = requested.filter((s) => !["openid", "profile", "email", "offline_access"].includes(s));
  if (granted.length === 0 || missingScopes(graphScopes, granted).length > 0)
    return { ok: false, failure: failures.consentRequired(app) };
  record.lastUsedAt = now;
  record.rotatedAt = now;
  const keep = ["openid", "profile", "email", "offline_access"].filter((s) => record.scopes.includes(s));
  const scopes = [...new Set([...graphScopes, ...keep])];
  const body = userTokenResponse(ctx, {
    user,
    clientId: app.clientId,
    tenantId: authority.kind === "tenant" ? authority.tenant.id : record.tenantId,
    scopes,
    nonce: null,
    authTime: record.authTime,
    wantClientInfo: fields.client_info === "1",
  });
  return { ok: true, body };
}
