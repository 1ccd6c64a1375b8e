/**
 * GET /{tenant}/oauth2/v2.0/authorize: validates the request (bad client or redirect URI → an error
 * page, never a redirect; other problems → `error` back to the redirect URI), then shows the
 * sign-in, account picker or consent page, or signs in silently from the browser session.
 * https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow#request-an-authorization-code
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { AadstsError } from "../errors/aadsts-error.ts";
import { newOpaqueToken } from "../store/ids.ts";
import type { AppRegistration, Mailbox } from "../store/types.ts";
import { type Authority, checkAppAuthority, checkUserAllowed, resolveAuthority } from "./authority.ts";
import { consentDecision, expandDefault, grantedScopes } from "./consent.ts";
import { failures } from "./failures.ts";
import { type FormFields, formFields } from "./form-fields.ts";
import { pickAccountPage, signInPage } from "./pages.ts";
import { identityRuntime, type PendingAuthorization, sessionFromCookie } from "./runtime.ts";
import { parseScopes } from "./scopes.ts";
import { continueAfterSignIn, redirectError, sendCode, sendErrorPage, sendPage } from "./sign-in-flow.ts";

type Params = { tenant: string };
const RESPONSE_MODES = ["query", "fragment", "form_post"] as const;

export async function authorizeRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Params: Params }>("/:tenant/oauth2/v2.0/authorize", async (request, reply) => {
    const query = formFields(request.query);
    const checked = checkClient(request, reply, query);
    if (!checked) return reply;
    const { registration, authority } = checked;
    const flow = newFlow(request, query, authority, registration);
    const problem = checkProtocol(query, flow);
    if (problem) return redirectError(reply, flow, problem);
    identityRuntime(app.emulator).flows.set(flow.id, flow);
    return firstStep(request, reply, flow, registration, authority);
  });
}

/** Client, redirect URI and account-type checks: failures here are shown, never redirected. */
function checkClient(
  request: FastifyRequest<{ Params: Params }>,
  reply: FastifyReply,
  query: FormFields,
): { registration: AppRegistration; authority: Authority } | null {
  const { store } = request.server.emulator;
  const fail = (failure: AadstsError) => {
    sendErrorPage(reply, failure);
    return null;
  };
  const authority = resolveAuthority(store, request.params.tenant);
  if (!authority) return fail(failures.tenantNotFound(request.params.tenant));
  const clientId = query.client_id;
  if (!clientId) return fail(failures.missingParameter("client_id"));
  const registration = store.app(clientId);
  const tenantName = authority.kind === "tenant" ? authority.tenant.displayName : authority.segment;
  if (!registration) return fail(failures.appNotFound(clientId, tenantName));
  const redirectUri = query.redirect_uri ?? "";
  // Exact match, as registered (https://learn.microsoft.com/entra/identity-platform/reply-url).
  if (!registration.redirectUris.includes(redirectUri))
    return fail(failures.redirectMismatch(redirectUri, registration.clientId));
  const denied = checkAppAuthority(store, registration, authority);
  if (denied) return fail(denied);
  return { registration, authority };
}

function newFlow(
  request: FastifyRequest,
  query: FormFields,
  authority: Authority,
  registration: AppRegistration,
): PendingAuthorization {
  const mode = query.response_mode ?? "query";
  return {
    id: newOpaqueToken(24),
    tenantSegment: authority.segment,
    clientId: registration.clientId,
    redirectUri: query.redirect_uri ?? "",
    scopes: [],
    state: query.state ?? null,
    nonce: query.nonce ?? null,
    codeChallenge: query.code_challenge ?? null,
    prompt: query.prompt ?? null,
    loginHint: query.login_hint ?? null,
    responseMode: (RESPONSE_MODES as readonly string[]).includes(mode)
      ? (mode as PendingAuthorization["responseMode"])
      : "query",
    clientInfo: query.client_info === "1",
    createdAt: request.server.emulator.clock.now(),
  };
}

/** Protocol errors that go back to the app as `error` + `error_description`. */
function checkProtocol(query: FormFields, flow: PendingAuthorization) {
  const mode = query.response_mode;
  if (mode && !(RESPONSE_MODES as readonly string[]).includes(mode))
    return failures.unsupportedResponseMode(mode);
  if (!query.response_type) return failures.missingParameter("response_type");
  if (query.response_type !== "code") return failures.unsupportedResponseType(query.response_type);
  if (!query.scope) return failures.missingParameter("scope");
  const scopes = parseScopes(query.scope);
  if (!scopes.ok) return failures.invalidScope(scopes.invalid);
  flow.scopes = scopes.scopes;
  const method = query.code_challenge_method;
  // Entra also accepts `plain`; the emulator insists on S256 so clients can't ship the weak form.
  if (method !== undefined && method !== "S256") return failures.plainPkce();
  if (flow.codeChallenge !== null) {
    if (method === undefined) return failures.plainPkce();
    if (!/^[A-Za-z0-9_-]{43}$/.test(flow.codeChallenge)) return failures.invalidCodeChallenge();
  } else if (method !== undefined) return failures.missingParameter("code_challenge");
  if (query.prompt && !["login", "none", "consent", "select_account"].includes(query.prompt))
    return failures.missingParameter("prompt");
  return null;
}

function firstStep(
  request: FastifyRequest,
  reply: FastifyReply,
  flow: PendingAuthorization,
  registration: AppRegistration,
  authority: Authority,
): FastifyReply {
  const { store } = request.server.emulator;
  const session = sessionFromCookie(request.server.emulator, request.headers.cookie);
  const accounts = (session?.accounts ?? [])
    .map((id) => store.mailbox(id))
    .filter((user): user is Mailbox => user !== undefined);
  const hinted = flow.loginHint
    ? accounts.find((user) => user.userPrincipalName.toLowerCase() === flow.loginHint?.toLowerCase())
    : undefined;
  const target = { tenant: flow.tenantSegment, flow: flow.id };
  if (flow.prompt === "none")
    return silentSignIn(reply, flow, registration, authority, hinted ?? accounts[0]);
  if (flow.prompt === "login") return sendPage(reply, signInPage(target, { email: flow.loginHint ?? "" }));
  if (flow.prompt === "select_account" || (!hinted && accounts.length > 1)) {
    if (accounts.length > 0) return sendPage(reply, pickAccountPage(target, accounts));
  }
  const sso = hinted ?? (flow.loginHint ? undefined : accounts.length === 1 ? accounts[0] : undefined);
  if (sso) return signedIn(reply, flow, registration, authority, sso, session?.signedInAt.get(sso.id));
  return sendPage(reply, signInPage(target, { email: flow.loginHint ?? "" }));
}

/** prompt=none: only an existing session with consent already given can answer. */
function silentSignIn(
  reply: FastifyReply,
  flow: PendingAuthorization,
  registration: AppRegistration,
  authority: Authority,
  user: Mailbox | undefined,
): FastifyReply {
  if (!user || checkUserAllowed(reply.server.emulator.store, registration, authority, user))
    return redirectError(reply, flow, failures.loginRequired());
  const { store } = reply.server.emulator;
  flow.scopes = expandDefault(flow.scopes, grantedScopes(store, user, registration.clientId));
  if (consentDecision(store, user, registration.clientId, flow.scopes, false) !== "granted")
    return redirectError(reply, flow, failures.interactionRequired(registration));
  flow.userId = user.id;
  return sendCode(reply, flow, user);
}

/** The user is known (password checked or SSO): check the account type, then consent. */
export function signedIn(
  reply: FastifyReply,
  flow: PendingAuthorization,
  registration: AppRegistration,
  authority: Authority,
  user: Mailbox,
  authTime: number | undefined,
): FastifyReply {
  const denied = checkUserAllowed(reply.server.emulator.store, registration, authority, user);
  if (denied) return sendErrorPage(reply, denied);
  flow.userId = user.id;
  flow.authTime = authTime ?? reply.server.emulator.clock.now();
  return continueAfterSignIn(reply, flow, registration, user);
}
