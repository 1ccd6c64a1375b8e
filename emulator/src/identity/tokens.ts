/**
 * Graph access tokens: issuing (v1.0-format JWTs for `https://graph.microsoft.com`, signed RS256 with
 * the tenant's key) and verifying them for the Graph and notification modules.
 * Claims: https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference
 * Lifetime (random 60–90 min by default): https://learn.microsoft.com/entra/identity-platform/configurable-token-lifetimes
 */
import { createHash, randomBytes, randomInt } from "node:crypto";
import type { EmulatorContext } from "../context.ts";
import { decodeJwt, hasValidSignature, signJwt } from "./signing-keys.ts";

export const GRAPH_AUDIENCE = "https://graph.microsoft.com";
/** The Microsoft account (consumers) tenant. */
export const CONSUMERS_TENANT_ID = "9188040d-6c67-4c5b-b112-36a304b66dad";

export interface AccessTokenClaims {
  aud: string;
  iss: string;
  iat: number;
  nbf: number;
  exp: number;
  aio: string;
  app_displayname: string;
  appid: string;
  /** 1 = authenticated with a client secret. */
  appidacr: "0" | "1" | "2";
  azp: string;
  azpacr: "0" | "1" | "2";
  idtyp: "user" | "app";
  /** The user's id, or the app's service principal id in the tenant (app-only). */
  oid: string;
  rh: string;
  sub: string;
  tid: string;
  uti: string;
  ver: "1.0";
  /** Delegated scopes, space separated (user tokens). */
  scp?: string;
  /** Application permissions (app-only tokens). */
  roles?: string[];
  upn?: string;
  unique_name?: string;
  name?: string;
  given_name?: string;
  family_name?: string;
  amr?: string[];
  /** 1 for personal (Microsoft account) users, 0 otherwise. */
  acct?: 0 | 1;
}

export interface IssueAccessTokenInput {
  tenantId: string;
  clientId: string;
  userId?: string;
  scopes: string[];
  appOnly?: boolean;
  lifetimeSeconds?: number;
}

export interface IssuedAccessToken {
  accessToken: string;
  /** Seconds from now. */
  expiresIn: number;
  /** Epoch seconds. */
  expiresOn: number;
}

export type AccessTokenVerification =
  | { ok: true; claims: AccessTokenClaims }
  | { ok: false; status: 401; code: "InvalidAuthenticationToken"; message: string };

export interface TokenSettings {
  /** Fixed access-token lifetime in seconds; null = random in [3600, 4599] like Entra's answers. */
  accessTokenLifetimeSeconds: number | null;
}

const settingsByContext = new WeakMap<EmulatorContext, TokenSettings>();

/** Mutable per-emulator token settings (the control API changes them). */
export function tokenSettings(ctx: EmulatorContext): TokenSettings {
  let settings = settingsByContext.get(ctx);
  if (!settings) {
    settings = { accessTokenLifetimeSeconds: null };
    settingsByContext.set(ctx, settings);
  }
  return settings;
}

export function accessTokenLifetime(ctx: EmulatorContext): number {
  return tokenSettings(ctx).accessTokenLifetimeSeconds ?? randomInt(3600, 4600);
}

/** Deterministic id of the app's service principal in a tenant (the `oid` of app-only tokens). */
export function servicePrincipalId(clientId: string, tenantId: string): string {
  const hex = createHash("sha256")
    .update(`sp|${clientId.toLowerCase()}|${tenantId.toLowerCase()}`)
    .digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Pairwise subject: stable per user (or service principal) and app, as Entra's `sub`. */
export function pairwiseSubject(principalId: string, clientId: string): string {
  return createHash("sha256")
    .update(`${principalId}|${clientId.toLowerCase()}`)
    .digest("base64url")
    .slice(0, 43);
}

const opaque = (bytes: number) => randomBytes(bytes).toString("base64url");

export function issueAccessToken(ctx: EmulatorContext, input: IssueAccessTokenInput): IssuedAccessToken {
  const { store, clock } = ctx;
  const tenantId = input.tenantId.toLowerCase();
  const clientId = input.clientId.toLowerCase();
  const app = store.app(clientId);
  const now = Math.floor(clock.now() / 1000);
  const lifetime = input.lifetimeSeconds ?? accessTokenLifetime(ctx);
  const appOnly = input.appOnly === true || input.userId === undefined;
  const claims: AccessTokenClaims = {
    aud: GRAPH_AUDIENCE,
    iss: `https://sts.windows.net/${tenantId}/`,
    iat: now,
    nbf: now,
    exp: now + lifetime,
    aio: opaque(40),
    app_displayname: app?.displayName ?? clientId,
    appid: clientId,
    appidacr: "1",
    azp: clientId,
    azpacr: "1",
    idtyp: appOnly ? "app" : "user",
    oid: servicePrincipalId(clientId, tenantId),
    rh: `0.${opaque(48)}.`,
    sub: "",
    tid: tenantId,
    uti: opaque(16),
    ver: "1.0",
  };
  if (appOnly) {
    if (input.scopes.length > 0) claims.roles = [...input.scopes];
  } else {
    const user = input.userId === undefined ? undefined : store.mailbox(input.userId);
    if (!user) throw new Error(`issueAccessToken: unknown user ${input.userId}`);
    claims.oid = user.id;
    claims.scp = input.scopes.join(" ");
    claims.upn = user.userPrincipalName;
    claims.unique_name = user.userPrincipalName;
    claims.name = user.displayName;
    if (user.givenName) claims.given_name = user.givenName;
    if (user.surname) claims.family_name = user.surname;
    claims.amr = ["pwd"];
    claims.acct = user.tenantId === CONSUMERS_TENANT_ID ? 1 : 0;
  }
  claims.sub = pairwiseSubject(claims.oid, clientId);
  return { accessToken: signJwt(ctx, tenantId, claims), expiresIn: lifetime, expiresOn: now + lifetime };
}

// Graph's 401 texts (IdentityModel messages as Graph relays them).
const NOT_WELL_FORMED =
  "IDX14100: JWT is not well formed, there are no dots (.).\nThe token needs to be in JWS or JWE Compact Serialization Format. (JWS): 'EncodedHeader.EndcodedPayload.EncodedSignature'. (JWE): 'EncodedProtectedHeader.EncodedEncryptedKey.EncodedInitializationVector.EncodedCiphertext.EncodedAuthenticationTag'.";
export const TOKEN_MESSAGES = {
  empty: "Access token is empty.",
  notWellFormed: NOT_WELL_FORMED,
  malformed: "IDX14102: Unable to decode the header as Base64Url encoded string.",
  signature: "Signature validation failed.",
  audience: "Access token validation failure. Invalid audience.",
  expired: "Lifetime validation failed, the token is expired.",
  notYetValid: "Lifetime validation failed, the token is not yet valid.",
  // Continuous access evaluation: tokens issued before a revocation or password change.
  revoked:
    "Continuous access evaluation resulted in challenge with result: InteractionRequired and code: TokenIssuedBeforeRevocationTimestamp",
  userGone: "Access token validation failure. The user or application no longer exists.",
} as const;

function failure(message: string): AccessTokenVerification {
  return { ok: false, status: 401, code: "InvalidAuthenticationToken", message };
}

/** Checks signature, audience, lifetime (emulator clock) and that the user/app still exist. */
export function verifyAccessToken(ctx: EmulatorContext, token: string): AccessTokenVerification {
  const raw = token.replace(/^Bearer\s+/i, "").trim();
  if (raw === "") return failure(TOKEN_MESSAGES.empty);
  const jwt = decodeJwt(raw);
  if (!jwt.ok)
    return failure(jwt.reason === "no-dots" ? TOKEN_MESSAGES.notWellFormed : TOKEN_MESSAGES.malformed);
  if (!hasValidSignature(ctx, jwt)) return failure(TOKEN_MESSAGES.signature);
  const claims = jwt.payload as unknown as AccessTokenClaims;
  if (claims.aud !== GRAPH_AUDIENCE && claims.aud !== "00000003-0000-0000-c000-000000000000")
    return failure(TOKEN_MESSAGES.audience);
  const now = Math.floor(ctx.clock.now() / 1000);
  if (typeof claims.exp !== "number" || now >= claims.exp) return failure(TOKEN_MESSAGES.expired);
  if (typeof claims.nbf === "number" && now < claims.nbf) return failure(TOKEN_MESSAGES.notYetValid);
  if (!ctx.store.app(claims.appid)) return failure(TOKEN_MESSAGES.userGone);
  if (claims.idtyp === "user") {
    const user = ctx.store.mailbox(claims.oid);
    if (!user) return failure(TOKEN_MESSAGES.userGone);
    // Second granularity, as Entra's TokensValidFrom: tokens from the same second stay valid.
    if (claims.iat < Math.floor(user.passwordChangedAt / 1000)) return failure(TOKEN_MESSAGES.revoked);
  }
  return { ok: true, claims };
}
