import { createHmac } from "node:crypto";
import { betterAuth } from "better-auth";
import { drizzleAdapter } from "better-auth/adapters/drizzle";
import { isAPIError } from "better-auth/api";
import { organization } from "better-auth/plugins";
import type { Config } from "../config.ts";
import { loadSecretKeys, type SecretKey } from "../crypto/secret-box.ts";
import type { Database } from "../db/client.ts";
import type { Logger } from "../log.ts";
import { startInDefaultOrg } from "./orgs.ts";
import {
  account,
  invitation,
  member,
  organization as orgTable,
  rateLimit,
  session,
  user,
  verification,
} from "./schema.ts";

/** Better Auth's own tables, under its model names (accounts/schema.ts also has our helpers). */
const BETTER_AUTH_TABLES = {
  user,
  session,
  account,
  verification,
  organization: orgTable,
  member,
  invitation,
  rateLimit,
};

export interface CreateAuthOptions {
  config: Config;
  database: Database;
  logger: Logger;
}

export const AUTH_BASE_PATH = "/api/auth";
/** Set by our proxy from Fastify's `request.ip`; any client-sent value is replaced, never trusted. */
export const CLIENT_IP_HEADER = "x-mailroom-client-ip";
export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 128;
export const INVITATION_DAYS = 7;
const DAY_SECONDS = 24 * 60 * 60;

/**
 * Better Auth: email + password (scrypt), database sessions in httpOnly SameSite=Lax cookies, the
 * organization plugin, and sign-up rate limiting stored in the database so every process shares
 * it (failed sign-ins are limited by auth-proxy.ts, in the same table).
 * Organization endpoints are reached only through our REST routes (see routes.ts).
 */
export function createAuth({ config, database, logger }: CreateAuthOptions) {
  const { db } = database;
  const loginRule = { window: config.loginRateLimit.windowSeconds, max: config.loginRateLimit.max };
  return betterAuth({
    appName: "Mailroom",
    baseURL: config.publicUrl,
    basePath: AUTH_BASE_PATH,
    secret: deriveAuthSecret(loadSecretKeys({ secretKey: config.secretKey, dataDir: config.dataDir })),
    trustedOrigins: config.allowedOrigins,
    database: drizzleAdapter(db, { provider: "pg", schema: BETTER_AUTH_TABLES, transaction: true }),
    emailAndPassword: {
      enabled: true,
      minPasswordLength: PASSWORD_MIN_LENGTH,
      maxPasswordLength: PASSWORD_MAX_LENGTH,
      requireEmailVerification: false,
      autoSignIn: true,
    },
    session: {
      expiresIn: config.sessionDays * DAY_SECONDS,
      updateAge: DAY_SECONDS,
      // Every request reads the session row, so logout and removal take effect at once.
      cookieCache: { enabled: false },
    },
    rateLimit: {
      enabled: true,
      storage: "database",
      // Sign-in is limited by our proxy, which counts failures only (sign-in-failures.ts);
      // Better Auth would count every attempt, successes included.
      customRules: { "/sign-in/email": false, "/sign-up/email": loginRule },
    },
    advanced: {
      cookiePrefix: "mailroom",
      useSecureCookies: config.secureCookies,
      defaultCookieAttributes: { httpOnly: true, sameSite: "lax", path: "/", secure: config.secureCookies },
      ipAddress: { ipAddressHeaders: [CLIENT_IP_HEADER] },
    },
    databaseHooks: {
      session: {
        create: {
          // An `after` hook runs once Better Auth's transaction has committed: on PGlite's single
          // connection, a query of ours issued inside that transaction would wait for it forever.
          after: async (session) => {
            if (!session.activeOrganizationId) await startInDefaultOrg(db, session.id, session.userId);
          },
        },
      },
    },
    plugins: [
      organization({
        creatorRole: "owner",
        invitationExpiresIn: INVITATION_DAYS * DAY_SECONDS,
        // Better Auth's default (100) is low for a support team with its part-timers.
        membershipLimit: 1000,
        disableOrganizationDeletion: true,
      }),
    ],
    telemetry: { enabled: false },
    logger: betterAuthLogger(logger),
    // Without this Better Auth prints every refusal it throws (a 4xx) as an error on the console,
    // outside our log; refusals are answered to the client and worth a debug line at most.
    onAPIError: {
      onError: (error) => {
        if (isAPIError(error) && error.statusCode < 500)
          logger.debug({ source: "better-auth", status: error.statusCode }, error.message);
        else logger.error({ source: "better-auth", err: error }, "Better Auth request failed");
      },
    },
  });
}

/** Better Auth's warnings and errors, in our structured log. */
function betterAuthLogger(logger: Logger) {
  return {
    level: "warn" as const,
    log: (level: "debug" | "info" | "warn" | "error", message: string, ...args: unknown[]) =>
      logger[level]({ source: "better-auth", err: args.find((a) => a instanceof Error) }, message),
  };
}

export type Auth = ReturnType<typeof createAuth>;

/**
 * Better Auth signs session cookies with one secret. We derive it from the current secret-box key
 * (HMAC with a fixed label), so there is no second secret to manage; rotating the current key
 * signs everyone out once.
 */
export function deriveAuthSecret(keys: SecretKey[]): string {
  const current = keys[0];
  if (!current) throw new Error("No secret key to derive the session secret from");
  return createHmac("sha256", current.key)
    .update("mailroom:better-auth:cookie-secret:v1")
    .digest("base64url");
}
