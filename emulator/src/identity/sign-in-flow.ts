/**
 * What happens after the user is known: consent (page, admin approval, or remembered), then the
 * authorization code sent back to the redirect URI with `state` (and `client_info` when asked).
 * https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow#request-an-authorization-code
 */
import type { FastifyReply } from "fastify";
import type { EmulatorContext } from "../context.ts";
import { type AadstsError, aadstsErrorBody } from "../errors/aadsts-error.ts";
import { newOpaqueToken } from "../store/ids.ts";
import type { AppRegistration, Mailbox } from "../store/types.ts";
import { resolveAuthority, tokenTenant } from "./authority.ts";
import { consentDecision, expandDefault, grantedScopes } from "./consent.ts";
import { failures } from "./failures.ts";
import { clientInfo } from "./id-token.ts";
import { adminApprovalPage, consentPage, errorPage, type FormTarget, formPostPage } from "./pages.ts";
import { identityRuntime, type PendingAuthorization } from "./runtime.ts";
import { consentText } from "./scopes.ts";

/** Authorization codes live about 10 minutes (v2-oauth2-auth-code-flow, "Successful response"). */
export const AUTH_CODE_LIFETIME_MS = 10 * 60_000;

const target = (flow: PendingAuthorization): FormTarget => ({ tenant: flow.tenantSegment, flow: flow.id });

function html(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply.code(status).type("text/html; charset=utf-8").header("cache-control", "no-store").send(body);
}

/** The error page for problems that must not go back to the app (bad client or redirect URI). */
export function sendErrorPage(reply: FastifyReply, failure: AadstsError): FastifyReply {
  return html(reply, 400, errorPage(aadstsErrorBody(reply.request, failure)));
}

export function sendPage(reply: FastifyReply, body: string, status = 200): FastifyReply {
  return html(reply, status, body);
}

/** Sends `params` to the app's redirect URI in the flow's response mode. */
export function respondToApp(
  reply: FastifyReply,
  flow: PendingAuthorization,
  params: Record<string, string>,
): FastifyReply {
  identityRuntime(reply.server.emulator).flows.delete(flow.id);
  const all: Record<string, string> = { ...params };
  if (flow.state !== null) all.state = flow.state;
  if (flow.responseMode === "form_post") return html(reply, 200, formPostPage(flow.redirectUri, all));
  const url = new URL(flow.redirectUri);
  const encoded = new URLSearchParams(all).toString();
  if (flow.responseMode === "fragment") url.hash = encoded;
  else for (const [key, value] of Object.entries(all)) url.searchParams.set(key, value);
  return reply.redirect(url.toString(), 302);
}

/** An OAuth error back to the app: `error`, `error_description` (AADSTS text), `state`. */
export function redirectError(
  reply: FastifyReply,
  flow: PendingAuthorization,
  failure: AadstsError,
): FastifyReply {
  const body = aadstsErrorBody(reply.request, failure);
  return respondToApp(reply, flow, { error: failure.error, error_description: body.error_description });
}

/** The user is signed in: ask for consent when needed, else send the code. */
export function continueAfterSignIn(
  reply: FastifyReply,
  flow: PendingAuthorization,
  app: AppRegistration,
  user: Mailbox,
): FastifyReply {
  const { store } = reply.server.emulator;
  flow.scopes = expandDefault(flow.scopes, grantedScopes(store, user, app.clientId));
  const decision = consentDecision(store, user, app.clientId, flow.scopes, flow.prompt === "consent");
  if (decision === "needs-admin") {
    return sendPage(
      reply,
      adminApprovalPage(
        target(flow),
        app.displayName,
        aadstsErrorBody(reply.request, failures.adminConsentRequired()),
      ),
    );
  }
  if (decision === "ask-user") {
    const tenant = store.state.tenants.get(app.tenantId);
    return sendPage(
      reply,
      consentPage(target(flow), {
        appName: app.displayName,
        publisher: tenant ? `Unverified · ${tenant.domain}` : "Unverified",
        userPrincipalName: user.userPrincipalName,
        permissions: flow.scopes.map(consentText),
        offerOrgConsent: user.isAdmin,
      }),
    );
  }
  return sendCode(reply, flow, user);
}

export function sendCode(reply: FastifyReply, flow: PendingAuthorization, user: Mailbox): FastifyReply {
  const ctx: EmulatorContext = reply.server.emulator;
  const authority = resolveAuthority(ctx.store, flow.tenantSegment);
  const tenantId = authority ? tokenTenant(authority, user) : user.tenantId;
  const now = ctx.clock.now();
  const code = `1.A${newOpaqueToken(96)}`;
  ctx.store.state.authCodes.set(code, {
    code,
    clientId: flow.clientId,
    userId: user.id,
    tenantId,
    redirectUri: flow.redirectUri,
    scopes: flow.scopes,
    codeChallenge: flow.codeChallenge,
    codeChallengeMethod: flow.codeChallenge ? "S256" : null,
    nonce: flow.nonce,
    authTime: flow.authTime ?? now,
    issuedAt: now,
    expiresAt: now + AUTH_CODE_LIFETIME_MS,
    redeemed: false,
  });
  const params: Record<string, string> = { code };
  if (flow.clientInfo) params.client_info = clientInfo(user.id, user.tenantId);
  params.session_state = newOpaqueToken(16);
  return respondToApp(reply, flow, params);
}
