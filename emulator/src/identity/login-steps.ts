/**
 * The sign-in pages' form posts: `/{tenant}/login/username|select|password|consent`. Each carries
 * the `flow` id of the pending /authorize request.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Mailbox } from "../store/types.ts";
import { resolveAuthority } from "./authority.ts";
import { signedIn } from "./authorize.ts";
import { recordConsent } from "./consent.ts";
import { failures } from "./failures.ts";
import { type FormFields, formFields } from "./form-fields.ts";
import { passwordPage, signInPage } from "./pages.ts";
import { identityRuntime, type PendingAuthorization, rememberSignIn, sessionFromCookie } from "./runtime.ts";
import { redirectError, sendCode, sendErrorPage, sendPage } from "./sign-in-flow.ts";

// The words of Microsoft's sign-in page.
export const UNKNOWN_ACCOUNT_TEXT =
  "We couldn't find an account with that username. Try another, or get a new Microsoft account.";
export const WRONG_PASSWORD_TEXT =
  "Your account or password is incorrect. If you don't remember your password, reset it now.";

interface Step {
  fields: FormFields;
  flow: PendingAuthorization;
  target: { tenant: string; flow: string };
}

/** Reads the form and its flow; answers the "flow expired" page when the flow is gone. */
function step(request: FastifyRequest, reply: FastifyReply): Step | null {
  const fields = formFields(request.body);
  const flow = fields.flow ? identityRuntime(request.server.emulator).flows.get(fields.flow) : undefined;
  if (!flow) {
    sendErrorPage(reply, failures.flowExpired());
    return null;
  }
  return { fields, flow, target: { tenant: flow.tenantSegment, flow: flow.id } };
}

function findUser(request: FastifyRequest, login: string | undefined): Mailbox | undefined {
  if (!login) return undefined;
  const { store } = request.server.emulator;
  return store.mailbox(login.trim()) ?? store.mailboxByAddress(login.trim());
}

export async function loginStepRoutes(app: FastifyInstance): Promise<void> {
  app.post("/:tenant/login/username", async (request, reply) => {
    const s = step(request, reply);
    if (!s) return reply;
    const user = findUser(request, s.fields.login);
    if (!user)
      return sendPage(
        reply,
        signInPage(s.target, { email: s.fields.login ?? "", error: UNKNOWN_ACCOUNT_TEXT }),
      );
    return sendPage(reply, passwordPage(s.target, user.userPrincipalName));
  });

  app.post("/:tenant/login/select", async (request, reply) => {
    const s = step(request, reply);
    if (!s) return reply;
    const user = findUser(request, s.fields.account);
    if (!user) return sendPage(reply, signInPage(s.target));
    const session = sessionFromCookie(app.emulator, request.headers.cookie);
    const signedInAt = session?.signedInAt.get(user.id);
    if (signedInAt === undefined || s.flow.prompt === "login")
      return sendPage(reply, passwordPage(s.target, user.userPrincipalName));
    return finishSignIn(reply, s.flow, user, signedInAt);
  });

  app.post("/:tenant/login/password", async (request, reply) => {
    const s = step(request, reply);
    if (!s) return reply;
    const user = findUser(request, s.fields.login);
    if (!user)
      return sendPage(
        reply,
        signInPage(s.target, { email: s.fields.login ?? "", error: UNKNOWN_ACCOUNT_TEXT }),
      );
    if (s.fields.passwd !== user.password)
      return sendPage(reply, passwordPage(s.target, user.userPrincipalName, WRONG_PASSWORD_TEXT));
    const session = sessionFromCookie(app.emulator, request.headers.cookie);
    const { setCookie } = rememberSignIn(app.emulator, session, user.id);
    reply.header("set-cookie", setCookie);
    return finishSignIn(reply, s.flow, user, app.emulator.clock.now());
  });

  app.post("/:tenant/login/consent", async (request, reply) => {
    const s = step(request, reply);
    if (!s) return reply;
    const user = s.flow.userId ? app.emulator.store.mailbox(s.flow.userId) : undefined;
    if (!user) return sendErrorPage(reply, failures.flowExpired());
    // https://learn.microsoft.com/entra/identity-platform/reference-error-codes (AADSTS65004)
    if (s.fields.decision !== "accept") return redirectError(reply, s.flow, failures.consentDeclined());
    recordConsent(
      app.emulator.store,
      user,
      s.flow.clientId,
      s.flow.scopes,
      user.isAdmin && s.fields.consentForOrg === "1",
    );
    return sendCode(reply, s.flow, user);
  });
}

function finishSignIn(
  reply: FastifyReply,
  flow: PendingAuthorization,
  user: Mailbox,
  authTime: number,
): FastifyReply {
  const { store } = reply.server.emulator;
  const registration = store.app(flow.clientId);
  const authority = resolveAuthority(store, flow.tenantSegment);
  if (!registration || !authority) return sendErrorPage(reply, failures.flowExpired());
  return signedIn(reply, flow, registration, authority, user, authTime);
}
