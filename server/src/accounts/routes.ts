import type { FastifyPluginAsync } from "fastify";
import { authProxy } from "./auth-proxy.ts";
import { invitationRoutes } from "./invitation-routes.ts";
import { inviteeRoutes } from "./invitee-routes.ts";
import { memberRoutes } from "./member-routes.ts";
import { orgRoutes } from "./org-routes.ts";
import type { AccountsOptions } from "./routes-options.ts";
import { signInFailures } from "./sign-in-failures.ts";

export type { AccountsOptions };

/**
 * Accounts over HTTP: Better Auth's sign-up / sign-in / sign-out at /api/auth/*, and our REST API
 * for the user, orgs, members and invitations. CSRF is checked for all of them by http/csrf.ts.
 */
export const accountsRoutes: FastifyPluginAsync<AccountsOptions> = async (app, options) => {
  await app.register(authProxy, {
    auth: options.auth,
    publicUrl: options.config.publicUrl,
    signIns: signInFailures(options.database.db, options.config.loginRateLimit),
  });
  await app.register(orgRoutes, options);
  await app.register(memberRoutes, options);
  await app.register(invitationRoutes, options);
  await app.register(inviteeRoutes, options);
};
