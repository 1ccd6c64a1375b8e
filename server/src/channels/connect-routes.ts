import { routes } from "@mailroom/contract";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { readSession, requireMember } from "../accounts/session.ts";
import { contractRoute } from "../contract-route.ts";
import { PERMISSION_REASONS } from "../microsoft/scopes.ts";
import type { ChannelsOptions } from "./channels-options.ts";
import { completeConnect, startConnect } from "./connect.ts";
import { findOrgCredentials, platformApp, redirectUri } from "./credentials.ts";

const ADMINS = ["owner", "admin"] as const;

const callbackQuery = z.object({
  code: z.string().max(4096).optional(),
  state: z.string().max(256).optional(),
  error: z.string().max(256).optional(),
  error_description: z.string().max(4096).optional(),
});

export const connectRoutes: FastifyPluginAsyncZod<ChannelsOptions> = async (
  app,
  { auth, database, config, events, secretBox, hooks },
) => {
  const deps = {
    config,
    db: database.db,
    box: secretBox,
    events,
    logger: app.log,
    ...(hooks ? { hooks } : {}),
  };

  app.route({
    ...contractRoute(routes.getConnectOptions),
    handler: async (request) => {
      const member = await requireMember(request, auth, database);
      const isAdmin = (ADMINS as readonly string[]).includes(member.role);
      const byoc = isAdmin ? await findOrgCredentials(database.db, member.orgId) : undefined;
      return {
        canConnect: isAdmin,
        platformAvailable: Boolean(platformApp(config)),
        redirectUri: redirectUri(config),
        permissions: PERMISSION_REASONS,
        byoc: byoc
          ? {
              clientId: byoc.clientId,
              secretHint: byoc.secretHint,
              tenant: byoc.tenant,
              createdAt: byoc.createdAt.toISOString(),
              secretUpdatedAt: byoc.secretUpdatedAt.toISOString(),
              secretExpiresAt: byoc.secretExpiresAt?.toISOString() ?? null,
            }
          : null,
      };
    },
  });

  app.route({
    ...contractRoute(routes.startConnect),
    handler: async (request) => {
      const member = await requireMember(request, auth, database, { roles: ADMINS });
      const { body } = request;
      const session = await readSession(request, auth);
      const authorizeUrl = await startConnect(deps, {
        orgId: member.orgId,
        userId: member.userId,
        sessionId: session!.sessionId,
        returnTo: body.returnTo,
        ...(body.credentials ? { credentials: body.credentials } : {}),
      });
      return { authorizeUrl };
    },
  });

  // Microsoft redirects the browser here. Org, channel and app come from the stored state only.
  app.get("/api/outlook/oauth2/callback", async (request, reply) => {
    const parsed = callbackQuery.safeParse(request.query);
    const session = await readSession(request, auth);
    const location = await completeConnect(
      deps,
      parsed.success ? parsed.data : {},
      session ? { sessionId: session.sessionId, userId: session.userId } : null,
    );
    return reply.header("cache-control", "no-store").redirect(location, 302);
  });
};
