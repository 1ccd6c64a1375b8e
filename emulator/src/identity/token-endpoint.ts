/**
 * POST /{tenant}/oauth2/v2.0/token (form-encoded): client checks and authentication, then the
 * grant. Errors use Entra's body (`aadstsError`): 401 for invalid_client, else 400.
 * https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow#redeem-a-code-for-an-access-token
 * https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow
 */
import type { FastifyInstance, FastifyReply } from "fastify";
import { type AadstsError, aadstsError } from "../errors/aadsts-error.ts";
import { adminConsentKey } from "../store/identity-types.ts";
import type { AppRegistration } from "../store/types.ts";
import { checkAppAuthority, resolveAuthority } from "./authority.ts";
import { authenticateClient, clientCredentials } from "./client-auth.ts";
import { failures } from "./failures.ts";
import { formFields } from "./form-fields.ts";
import { type GrantInput, type GrantResult, redeemCode, redeemRefreshToken } from "./token-grants.ts";
import { issueAccessToken } from "./tokens.ts";

function fail(reply: FastifyReply, failure: AadstsError): FastifyReply {
  return aadstsError(reply, failure.error === "invalid_client" ? 401 : 400, failure);
}

export async function tokenRoutes(app: FastifyInstance): Promise<void> {
  app.post<{ Params: { tenant: string } }>("/:tenant/oauth2/v2.0/token", async (request, reply) => {
    const ctx = app.emulator;
    reply.header("cache-control", "no-store, no-cache").header("pragma", "no-cache");
    const fields = formFields(request.body);
    const authority = resolveAuthority(ctx.store, request.params.tenant);
    if (!authority) return fail(reply, failures.tenantNotFound(request.params.tenant));
    if (!fields.grant_type) return fail(reply, failures.missingParameter("grant_type"));
    const { clientId, secret } = clientCredentials(request, fields);
    if (!clientId) return fail(reply, failures.missingParameter("client_id"));
    const registration = ctx.store.app(clientId);
    const tenantName = authority.kind === "tenant" ? authority.tenant.displayName : authority.segment;
    if (!registration) return fail(reply, failures.appNotFound(clientId, tenantName));
    const denied = checkAppAuthority(ctx.store, registration, authority);
    if (denied) return fail(reply, denied);
    const unauthenticated = authenticateClient(registration, secret, ctx.clock.now());
    if (unauthenticated) return fail(reply, unauthenticated);
    const input: GrantInput = { ctx, fields, app: registration, authority };
    const result = grant(fields.grant_type, input);
    return result.ok ? reply.type("application/json").send(result.body) : fail(reply, result.failure);
  });
}

function grant(type: string, input: GrantInput): GrantResult {
  switch (type) {
    case "authorization_code":
      return redeemCode(input);
    case "refresh_token":
      return redeemRefreshToken(input);
    case "client_credentials":
      return clientCredentialsGrant(input);
    default:
      return { ok: false, failure: failures.unsupportedGrant(type) };
  }
}

/** Roles come from the app's application permissions (none → a token without `roles`). */
export function applicationPermissionsOf(app: AppRegistration): string[] {
  if (!("applicationPermissions" in app)) return [];
  const permissions = app.applicationPermissions;
  return Array.isArray(permissions) ? permissions.filter((p): p is string => typeof p === "string") : [];
}

function clientCredentialsGrant({ ctx, fields, app, authority }: GrantInput): GrantResult {
  if (authority.kind !== "tenant") return { ok: false, failure: failures.grantNotOnCommon() };
  if (app.secrets.length === 0) return { ok: false, failure: failures.missingSecret() };
  const scope = fields.scope;
  if (!scope) return { ok: false, failure: failures.missingParameter("scope") };
  if (scope.trim().toLowerCase() !== "https://graph.microsoft.com/.default")
    return { ok: false, failure: failures.invalidScope(scope) };
  const tenantId = authority.tenant.id;
  // Outside its home tenant an app exists only once an admin consented there (its service principal).
  if (tenantId !== app.tenantId && !ctx.store.state.consents.has(adminConsentKey(tenantId, app.clientId)))
    return { ok: false, failure: failures.appNotFound(app.clientId, authority.tenant.displayName) };
  const token = issueAccessToken(ctx, {
    tenantId,
    clientId: app.clientId,
    scopes: applicationPermissionsOf(app),
    appOnly: true,
  });
  return {
    ok: true,
    body: {
      token_type: "Bearer",
      expires_in: token.expiresIn,
      ext_expires_in: token.expiresIn,
      access_token: token.accessToken,
    },
  };
}
