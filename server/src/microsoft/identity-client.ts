import { z } from "zod";
import { type ClassifiedIdentityError, classifyIdentityError } from "./classify-identity-error.ts";
import { OAUTH_SCOPES } from "./scopes.ts";

/**
 * The Microsoft identity platform (Entra ID v2) as Mailroom uses it: the authorize URL, the
 * authorization-code grant with PKCE and the refresh grant. Plain fetch + zod: we store each
 * channel's refresh token ourselves (sealed) and classify errors by AADSTS code, which is all a
 * library would wrap here (see docs/decisions/007-hand-written-oauth-client.md).
 * https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow
 */
export interface AppCredentials {
  clientId: string;
  clientSecret: string;
  /** "common" (work + personal), "organizations", or a tenant id/domain for single-tenant apps. */
  tenant: string;
}

export interface AuthorizeRequest {
  loginUrl: string;
  clientId: string;
  tenant: string;
  redirectUri: string;
  state: string;
  codeChallenge: string;
  loginHint?: string;
  /** Default select_account; null sends none (Microsoft then asks only what it needs: a reconnect). */
  prompt?: "select_account" | "consent" | "login" | null;
}

export function buildAuthorizeUrl(req: AuthorizeRequest): string {
  const url = new URL(`${req.loginUrl}/${encodeURIComponent(req.tenant)}/oauth2/v2.0/authorize`);
  const params: Record<string, string> = {
    client_id: req.clientId,
    response_type: "code",
    redirect_uri: req.redirectUri,
    response_mode: "query",
    scope: OAUTH_SCOPES.join(" "),
    state: req.state,
    code_challenge: req.codeChallenge,
    code_challenge_method: "S256",
  };
  if (req.prompt !== null) params.prompt = req.prompt ?? "select_account";
  if (req.loginHint) params.login_hint = req.loginHint;
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.toString();
}

const tokenResponse = z.object({
  token_type: z.string(),
  scope: z.string().default(""),
  expires_in: z.coerce.number(),
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).optional(),
  id_token: z.string().optional(),
});

const errorResponse = z.object({
  error: z.string(),
  error_description: z.string().optional(),
  error_codes: z.array(z.number()).optional(),
  suberror: z.string().optional(),
});

export interface TokenSet {
  accessToken: string;
  /** Present when offline_access was granted; Microsoft rotates it on every use — always store it. */
  refreshToken?: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
  scopes: string[];
  idToken?: IdTokenClaims;
}

export interface IdTokenClaims {
  oid?: string;
  tid?: string;
  preferred_username?: string;
  email?: string;
  name?: string;
}

/** A token endpoint refusal (or an unusable answer), classified. Never carries secrets. */
export class IdentityError extends Error {
  override name = "IdentityError";
  constructor(
    readonly classified: ClassifiedIdentityError,
    readonly oauthError: string | undefined,
    readonly status: number | undefined,
  ) {
    super(
      `Microsoft identity error ${oauthError ?? status ?? "network"}${classified.aadsts ? ` (AADSTS${classified.aadsts})` : ""}`,
    );
  }
}

export interface TokenClientOptions {
  loginUrl: string;
  /** Injected for tests and the emulator's clock; defaults to Date.now. */
  now?: () => number;
  fetch?: typeof fetch;
}

export async function exchangeCode(
  options: TokenClientOptions,
  app: AppCredentials,
  grant: { code: string; redirectUri: string; codeVerifier: string },
): Promise<TokenSet> {
  return tokenRequest(options, app, {
    grant_type: "authorization_code",
    code: grant.code,
    redirect_uri: grant.redirectUri,
    code_verifier: grant.codeVerifier,
    scope: OAUTH_SCOPES.join(" "),
  });
}

export async function refreshTokens(
  options: TokenClientOptions,
  app: AppCredentials,
  refreshToken: string,
): Promise<TokenSet> {
  return tokenRequest(options, app, {
    grant_type: "refresh_token",
    refresh_token: refreshToken,
    scope: OAUTH_SCOPES.join(" "),
  });
}

async function tokenRequest(
  options: TokenClientOptions,
  app: AppCredentials,
  params: Record<string, string>,
): Promise<TokenSet> {
  const now = options.now ?? Date.now;
  const body = new URLSearchParams({ client_id: app.clientId, client_secret: app.clientSecret, ...params });
  let res: Response;
  try {
    res = await (options.fetch ?? fetch)(
      `${options.loginUrl}/${encodeURIComponent(app.tenant)}/oauth2/v2.0/token`,
      {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
        body,
        signal: AbortSignal.timeout(30_000),
      },
    );
  } catch {
    throw new IdentityError({ problem: "transient", class: "transient" }, undefined, undefined);
  }
  const json: unknown = await res.json().catch(() => undefined);
  if (!res.ok) {
    const { classified, error } = classifyTokenError(json, res.status);
    throw new IdentityError(classified, error, res.status);
  }
  const parsed = tokenResponse.safeParse(json);
  if (!parsed.success)
    throw new IdentityError({ problem: "unknown", class: "bug" }, "unexpected_token_response", res.status);
  const t = parsed.data;
  const idToken = t.id_token ? decodeIdToken(t.id_token) : undefined;
  return {
    accessToken: t.access_token,
    ...(t.refresh_token ? { refreshToken: t.refresh_token } : {}),
    expiresAt: now() + t.expires_in * 1000,
    scopes: t.scope.split(" ").filter(Boolean),
    ...(idToken ? { idToken } : {}),
  };
}

const idTokenClaims = z.object({
  oid: z.string().optional(),
  tid: z.string().optional(),
  preferred_username: z.string().optional(),
  email: z.string().optional(),
  name: z.string().optional(),
});

/**
 * Reads the id_token's claims. It came straight from the token endpoint over TLS in answer to our
 * authenticated request, which OpenID Connect Core §3.1.3.7 accepts in place of checking the
 * signature; identity is confirmed again with Graph's GET /me.
 */
export function decodeIdToken(idToken: string): IdTokenClaims | undefined {
  const payload = idToken.split(".")[1];
  if (!payload) return undefined;
  try {
    const parsed = idTokenClaims.safeParse(JSON.parse(Buffer.from(payload, "base64url").toString("utf8")));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** The token endpoint's error body (`{error, error_description, error_codes, …}`), classified. */
export function classifyTokenError(
  json: unknown,
  status: number,
): { classified: ClassifiedIdentityError; error: string | undefined } {
  const parsed = errorResponse.safeParse(json);
  const data = parsed.success ? parsed.data : undefined;
  const classified = classifyIdentityError({
    error: data?.error,
    errorDescription: data?.error_description,
    errorCodes: data?.error_codes,
    status,
  });
  return { classified, error: data?.error };
}
