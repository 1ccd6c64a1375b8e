/**
 * The token endpoint's success body: `token_type, scope, expires_in, ext_expires_in, access_token`
 * plus `refresh_token` (offline_access), `id_token` (openid) and `client_info` (client_info=1).
 * https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow#successful-response-2
 */
import type { EmulatorContext } from "../context.ts";
import type { RefreshToken } from "../store/identity-types.ts";
import { newOpaqueToken } from "../store/ids.ts";
import type { Mailbox } from "../store/types.ts";
import { clientInfo, issueIdToken } from "./id-token.ts";
import { tokenScopes } from "./scopes.ts";
import { issueAccessToken } from "./tokens.ts";

export interface TokenResponseBody {
  token_type: "Bearer";
  scope?: string;
  expires_in: number;
  ext_expires_in: number;
  access_token: string;
  refresh_token?: string;
  id_token?: string;
  client_info?: string;
}

export interface UserGrant {
  user: Mailbox;
  clientId: string;
  tenantId: string;
  /** Every granted scope, OIDC ones and offline_access included. */
  scopes: string[];
  nonce: string | null;
  authTime?: number;
  wantClientInfo: boolean;
}

/** Refresh tokens look like Entra's opaque ones (`1.A…`/`0.A…`); only the emulator reads them. */
export function newRefreshToken(ctx: EmulatorContext, grant: UserGrant): RefreshToken {
  const now = ctx.clock.now();
  const record: RefreshToken = {
    token: `1.A${newOpaqueToken(160)}`,
    clientId: grant.clientId,
    userId: grant.user.id,
    tenantId: grant.tenantId,
    scopes: grant.scopes,
    issuedAt: now,
    lastUsedAt: now,
    rotatedAt: null,
    revokedAt: null,
  };
  if (grant.authTime !== undefined) record.authTime = grant.authTime;
  ctx.store.state.refreshTokens.set(record.token, record);
  return record;
}

export function userTokenResponse(ctx: EmulatorContext, grant: UserGrant): TokenResponseBody {
  const scopes = tokenScopes(grant.scopes);
  const access = issueAccessToken(ctx, {
    tenantId: grant.tenantId,
    clientId: grant.clientId,
    userId: grant.user.id,
    scopes,
  });
  const body: TokenResponseBody = {
    token_type: "Bearer",
    scope: scopes.join(" "),
    expires_in: access.expiresIn,
    ext_expires_in: access.expiresIn,
    access_token: access.accessToken,
  };
  if (grant.scopes.includes("offline_access")) body.refresh_token = newRefreshToken(ctx, grant).token;
  if (grant.scopes.includes("openid")) {
    body.id_token = issueIdToken(ctx, {
      user: grant.user,
      clientId: grant.clientId,
      tenantId: grant.tenantId,
      scopes: grant.scopes,
      nonce: grant.nonce,
      authTime: grant.authTime,
    });
  }
  if (grant.wantClientInfo) body.client_info = clientInfo(grant.user.id, grant.user.tenantId);
  return body;
}
