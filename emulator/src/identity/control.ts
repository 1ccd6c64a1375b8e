/**
 * Identity control API (under `/_emulator`): revoke a user's refresh tokens, change a password,
 * expire a user's refresh tokens (AADSTS70008), make Graph refuse a user's tokens (401 however
 * fresh), remove or grant consent, expire or add app secrets, create and list app registrations,
 * and token settings. Bodies are validated with zod; errors are `{error, message}`.
 */
import { randomBytes } from "node:crypto";
import type { FastifyInstance, FastifyReply } from "fastify";
import { z } from "zod";
import { consentKey } from "../store/identity-types.ts";
import { hashSecret, newGuid } from "../store/ids.ts";
import type { AppRegistration, AppSecret, Mailbox } from "../store/types.ts";
import { recordAdminConsent } from "./consent.ts";
import { identityRuntime } from "./runtime.ts";
import { APPLICATION_PERMISSIONS } from "./scopes.ts";
import { applicationPermissionsOf } from "./token-endpoint.ts";
import { tokenSettings } from "./tokens.ts";

const DAY_MS = 24 * 3600_000;
const AUDIENCES = [
  "AzureADMyOrg",
  "AzureADMultipleOrgs",
  "AzureADandPersonalMicrosoftAccount",
  "PersonalMicrosoftAccount",
] as const;

const NewSecret = z.object({
  displayName: z.string().default("secret"),
  expiresInDays: z.number().positive().default(180),
});
const NewApp = z.object({
  clientId: z.uuid().optional(),
  displayName: z.string().min(1),
  tenant: z.string().default("mailroomplatform.onmicrosoft.com"),
  redirectUris: z.array(z.url()).default([]),
  signInAudience: z.enum(AUDIENCES).default("AzureADMultipleOrgs"),
  /** false: a public client (no secret). */
  secret: z.boolean().default(true),
  secretExpiresInDays: z.number().positive().default(180),
  applicationPermissions: z.array(z.enum(APPLICATION_PERMISSIONS)).default([]),
});
const Password = z.object({ password: z.string().min(1) });
const AdminConsent = z.object({ tenant: z.string(), scopes: z.array(z.string()).default(["User.Read"]) });
const GraphAccess = z.object({ refused: z.boolean() });
const Settings = z.object({ accessTokenLifetimeSeconds: z.number().int().positive().nullable() });

function problem(reply: FastifyReply, status: number, error: string, message: string): FastifyReply {
  return reply.code(status).type("application/json").send({ error, message });
}

/** `value`, or undefined with a 404 problem sent when there is none. */
function orNotFound<T>(
  reply: FastifyReply,
  value: T | undefined,
  error: string,
  message: string,
): T | undefined {
  if (!value) problem(reply, 404, error, message);
  return value;
}

function parse<T>(schema: z.ZodType<T>, body: unknown, reply: FastifyReply): T | undefined {
  const parsed = schema.safeParse(body ?? {});
  if (!parsed.success) problem(reply, 400, "invalid_body", z.prettifyError(parsed.error));
  return parsed.success ? parsed.data : undefined;
}

/** A value shaped like Entra's (`xxx8Q~…`, 40 characters); returned once, stored hashed. */
export function newSecretValue(): string {
  const chars = randomBytes(37).toString("base64url").replace(/[-_]/g, "~");
  return `${chars.slice(0, 3)}8Q~${chars.slice(3, 37)}`;
}

function addSecret(app: AppRegistration, now: number, displayName: string, days: number) {
  const value = newSecretValue();
  const secret: AppSecret = {
    id: newGuid(),
    displayName,
    valueHash: hashSecret(value),
    hint: value.slice(0, 3),
    startsAt: now,
    expiresAt: now + days * DAY_MS,
  };
  app.secrets.push(secret);
  return {
    id: secret.id,
    displayName,
    value,
    hint: secret.hint,
    startsAt: iso(now),
    expiresAt: iso(secret.expiresAt),
  };
}

const iso = (ms: number) => new Date(ms).toISOString();

function describeApp(app: AppRegistration) {
  return {
    clientId: app.clientId,
    tenantId: app.tenantId,
    displayName: app.displayName,
    redirectUris: app.redirectUris,
    signInAudience: app.signInAudience,
    applicationPermissions: applicationPermissionsOf(app),
    secrets: app.secrets.map((s) => ({
      id: s.id,
      displayName: s.displayName,
      hint: s.hint,
      startsAt: iso(s.startsAt),
      expiresAt: iso(s.expiresAt),
    })),
  };
}

/** Marks every refresh token of the user revoked and moves TokensValidFrom to now. */
export function revokeUserTokens(app: FastifyInstance, user: Mailbox): number {
  const now = app.emulator.clock.now();
  let count = 0;
  for (const token of app.emulator.store.state.refreshTokens.values()) {
    if (token.userId === user.id && token.revokedAt === null) {
      token.revokedAt = now;
      count++;
    }
  }
  user.passwordChangedAt = now;
  return count;
}

export async function identityControlRoutes(app: FastifyInstance): Promise<void> {
  registerUserControl(app);
  registerAppControl(app);
}

/** A user's sessions and consents: revoke tokens, change the password, remove a consent. */
function registerUserControl(app: FastifyInstance): void {
  const { store } = app.emulator;
  const userOr404 = (id: string, reply: FastifyReply) =>
    orNotFound(reply, store.mailbox(id), "user_not_found", `No user ${id}`);

  app.post<{ Params: { user: string } }>("/users/:user/revoke", async (request, reply) => {
    const user = userOr404(request.params.user, reply);
    if (!user) return reply;
    const revoked = revokeUserTokens(app, user);
    return { revokedRefreshTokens: revoked, tokensValidFrom: iso(user.passwordChangedAt) };
  });

  app.post<{ Params: { user: string } }>("/users/:user/password", async (request, reply) => {
    const user = userOr404(request.params.user, reply);
    const body = user && parse(Password, request.body, reply);
    if (!user || !body) return reply;
    user.password = body.password;
    const revoked = revokeUserTokens(app, user);
    for (const session of identityRuntime(app.emulator).sessions.values()) session.signedInAt.delete(user.id);
    return { revokedRefreshTokens: revoked, tokensValidFrom: iso(user.passwordChangedAt) };
  });

  // The user's refresh tokens issued so far answer AADSTS70008 (expired or revoked grant).
  app.post<{ Params: { user: string } }>("/users/:user/refresh-tokens/expire", async (request, reply) => {
    const user = userOr404(request.params.user, reply);
    if (!user) return reply;
    const expired = identityRuntime(app.emulator).expiredRefreshTokens;
    let count = 0;
    for (const token of store.state.refreshTokens.values()) {
      if (token.userId !== user.id || expired.has(token.token)) continue;
      expired.add(token.token);
      count++;
    }
    return { expiredRefreshTokens: count };
  });

  // Graph answers 401 InvalidAuthenticationToken to every token of the user, however fresh: what
  // a refresh cannot cure (ADR 020). The identity platform keeps issuing tokens meanwhile.
  app.put<{ Params: { user: string } }>("/users/:user/graph-access", async (request, reply) => {
    const user = userOr404(request.params.user, reply);
    const body = user && parse(GraphAccess, request.body, reply);
    if (!user || !body) return reply;
    const refused = identityRuntime(app.emulator).graphRefused;
    if (body.refused) refused.add(user.id);
    else refused.delete(user.id);
    return { refused: body.refused };
  });

  app.delete<{ Params: { user: string; clientId: string } }>(
    "/users/:user/consents/:clientId",
    async (request, reply) => {
      const user = userOr404(request.params.user, reply);
      if (!user) return reply;
      const removed = store.state.consents.delete(consentKey(user.id, request.params.clientId.toLowerCase()));
      return removed
        ? reply.code(204).send()
        : problem(reply, 404, "consent_not_found", "No consent for that user and app");
    },
  );
}

/** App registrations: create and list them, their secrets, admin consent, and token settings. */
function registerAppControl(app: FastifyInstance): void {
  const { store } = app.emulator;
  const appOr404 = (id: string, reply: FastifyReply) =>
    orNotFound(reply, store.app(id), "app_not_found", `No app ${id}`);

  app.post<{ Params: { clientId: string } }>("/apps/:clientId/admin-consent", async (request, reply) => {
    const registration = appOr404(request.params.clientId, reply);
    const body = registration && parse(AdminConsent, request.body, reply);
    if (!registration || !body) return reply;
    const tenant = store.tenant(body.tenant);
    if (!tenant) return problem(reply, 404, "tenant_not_found", `No tenant ${body.tenant}`);
    return reply.code(201).send(recordAdminConsent(store, tenant.id, registration.clientId, body.scopes));
  });

  app.post<{ Params: { clientId: string; secretId: string } }>(
    "/apps/:clientId/secrets/:secretId/expire",
    async (request, reply) => {
      const registration = appOr404(request.params.clientId, reply);
      if (!registration) return reply;
      const secret = registration.secrets.find(
        (s) => s.id === request.params.secretId.toLowerCase() || s.id === request.params.secretId,
      );
      if (!secret) return problem(reply, 404, "secret_not_found", `No secret ${request.params.secretId}`);
      secret.expiresAt = app.emulator.clock.now();
      return reply.code(204).send();
    },
  );

  app.post<{ Params: { clientId: string } }>("/apps/:clientId/secrets", async (request, reply) => {
    const registration = appOr404(request.params.clientId, reply);
    const body = registration && parse(NewSecret, request.body, reply);
    if (!registration || !body) return reply;
    return reply
      .code(201)
      .send(addSecret(registration, app.emulator.clock.now(), body.displayName, body.expiresInDays));
  });

  app.get("/apps", async () => ({ value: [...store.state.apps.values()].map(describeApp) }));

  app.post("/apps", async (request, reply) => {
    const body = parse(NewApp, request.body, reply);
    if (!body) return reply;
    const tenant = store.tenant(body.tenant);
    if (!tenant) return problem(reply, 404, "tenant_not_found", `No tenant ${body.tenant}`);
    const clientId = (body.clientId ?? newGuid()).toLowerCase();
    if (store.app(clientId)) return problem(reply, 409, "app_exists", `App ${clientId} exists`);
    const registration: AppRegistration & { applicationPermissions: string[] } = {
      clientId,
      tenantId: tenant.id,
      displayName: body.displayName,
      redirectUris: body.redirectUris,
      signInAudience: body.signInAudience,
      secrets: [],
      applicationPermissions: body.applicationPermissions,
    };
    store.state.apps.set(clientId, registration);
    const secret = body.secret
      ? addSecret(registration, app.emulator.clock.now(), "secret", body.secretExpiresInDays)
      : null;
    return reply.code(201).send({ ...describeApp(registration), secret });
  });

  app.put("/identity/settings", async (request, reply) => {
    const body = parse(Settings, request.body, reply);
    if (!body) return reply;
    tokenSettings(app.emulator).accessTokenLifetimeSeconds = body.accessTokenLifetimeSeconds;
    return tokenSettings(app.emulator);
  });
}
