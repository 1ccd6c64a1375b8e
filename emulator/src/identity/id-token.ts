/**
 * v2.0 ID tokens (RS256, the tenant's key) and `client_info`.
 * Claims: https://learn.microsoft.com/entra/identity-platform/id-token-claims-reference
 * client_info (MSAL's `uid.utid` home account id): https://learn.microsoft.com/entra/msal/dotnet/resources/client-info
 */
import { randomBytes } from "node:crypto";
import type { EmulatorContext } from "../context.ts";
import type { Mailbox } from "../store/types.ts";
import { signJwt } from "./signing-keys.ts";
import { CONSUMERS_TENANT_ID, pairwiseSubject } from "./tokens.ts";

export interface IdTokenClaims {
  aud: string;
  iss: string;
  iat: number;
  nbf: number;
  exp: number;
  aio: string;
  auth_time?: number;
  idp?: string;
  name?: string;
  nonce?: string;
  oid: string;
  preferred_username?: string;
  email?: string;
  rh: string;
  sub: string;
  tid: string;
  uti: string;
  ver: "2.0";
}

/** ID tokens last an hour. */
export const ID_TOKEN_LIFETIME_SECONDS = 3600;

export function issueIdToken(
  ctx: EmulatorContext,
  input: {
    user: Mailbox;
    clientId: string;
    tenantId: string;
    scopes: string[];
    nonce: string | null;
    authTime?: number;
  },
): string {
  const { user } = input;
  const now = Math.floor(ctx.clock.now() / 1000);
  const clientId = input.clientId.toLowerCase();
  const claims: IdTokenClaims = {
    aud: clientId,
    iss: `${ctx.baseUrl}/${input.tenantId}/v2.0`,
    iat: now,
    nbf: now,
    exp: now + ID_TOKEN_LIFETIME_SECONDS,
    aio: randomBytes(40).toString("base64url"),
    oid: user.id,
    rh: `0.${randomBytes(48).toString("base64url")}.`,
    sub: pairwiseSubject(user.id, clientId),
    tid: input.tenantId,
    uti: randomBytes(16).toString("base64url"),
    ver: "2.0",
  };
  if (input.authTime !== undefined) claims.auth_time = Math.floor(input.authTime / 1000);
  // Guests and personal accounts carry their home identity provider.
  if (user.tenantId === CONSUMERS_TENANT_ID && input.tenantId !== CONSUMERS_TENANT_ID)
    claims.idp = `https://sts.windows.net/${CONSUMERS_TENANT_ID}/`;
  if (input.scopes.includes("profile")) {
    claims.name = user.displayName;
    claims.preferred_username = user.userPrincipalName;
  }
  if (input.scopes.includes("email") && user.mail) claims.email = user.mail;
  if (input.nonce) claims.nonce = input.nonce;
  return signJwt(ctx, input.tenantId, claims);
}

/** base64url `{"uid","utid"}`: the user's object id and home tenant id. */
export function clientInfo(userId: string, homeTenantId: string): string {
  return Buffer.from(JSON.stringify({ uid: userId, utid: homeTenantId })).toString("base64url");
}
