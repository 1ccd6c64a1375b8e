import { type CredentialsView, routes } from "@mailroom/contract";
import { and, eq } from "drizzle-orm";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { requireMember } from "../accounts/session.ts";
import { contractRoute } from "../contract-route.ts";
import { flagCredentialsChanged } from "./channel-attention.ts";
import type { ChannelsOptions } from "./channels-options.ts";
import {
  appReplaced,
  type CredentialsRow,
  deleteOrgCredentials,
  findOrgCredentials,
  redirectUri,
  saveOrgCredentials,
} from "./credentials.ts";
import { channels } from "./schema.ts";

const ADMINS = ["owner", "admin"] as const;

/** The org's own Azure app registration (BYOC): view (masked), create/replace, remove. */
export const credentialsRoutes: FastifyPluginAsyncZod<ChannelsOptions> = async (
  app,
  { auth, database, config, events, secretBox },
) => {
  const db = database.db;

  async function view(orgId: string): Promise<CredentialsView | null> {
    const row = await findOrgCredentials(db, orgId);
    return row ? viewOf(row) : null;
  }

  /** From the row itself: a removal racing a save can't turn the saved answer into null. */
  async function viewOf(row: CredentialsRow): Promise<CredentialsView> {
    const users = await db
      .select({ id: channels.id, email: channels.email, status: channels.status })
      .from(channels)
      .where(and(eq(channels.orgId, row.orgId), eq(channels.credentialsId, row.id)));
    return {
      clientId: row.clientId,
      secretHint: row.secretHint,
      tenant: row.tenant,
      createdAt: row.createdAt.toISOString(),
      secretUpdatedAt: row.secretUpdatedAt.toISOString(),
      secretExpiresAt: row.secretExpiresAt?.toISOString() ?? null,
      channels: users,
    };
  }

  app.route({
    ...contractRoute(routes.getCredentials),
    handler: async (request) => {
      const member = await requireMember(request, auth, database, { roles: ADMINS });
      return { credentials: await view(member.orgId), redirectUri: redirectUri(config) };
    },
  });

  app.route({
    ...contractRoute(routes.saveCredentials),
    handler: async (request) => {
      const member = await requireMember(request, auth, database, { roles: ADMINS });
      const before = await findOrgCredentials(db, member.orgId);
      const saved = await saveOrgCredentials(db, secretBox, member.orgId, member.userId, request.body);
      const replaced = before !== undefined && appReplaced(secretBox, before, request.body);
      const flagged = replaced
        ? await flagCredentialsChanged({ db, events, config, logger: request.log }, member.orgId, saved.id)
        : [];
      request.log.info({ orgId: member.orgId, flagged: flagged.length }, "BYOC credentials saved");
      await events.publish(member.orgId, { type: "channels.updated", data: {} });
      return { credentials: await viewOf(saved) };
    },
  });

  app.route({
    ...contractRoute(routes.removeCredentials),
    handler: async (request, reply) => {
      const member = await requireMember(request, auth, database, { roles: ADMINS });
      await deleteOrgCredentials(db, member.orgId);
      request.log.info({ orgId: member.orgId }, "BYOC credentials removed");
      await events.publish(member.orgId, { type: "channels.updated", data: {} });
      return reply.status(204).send();
    },
  });
};
