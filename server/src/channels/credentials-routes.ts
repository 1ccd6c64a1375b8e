import { and, eq } from "drizzle-orm";
import type { FastifyPluginAsync } from "fastify";
import { requireMember } from "../accounts/session.ts";
import type { ChannelsOptions } from "./channels-options.ts";
import {
  credentialsInput,
  deleteOrgCredentials,
  findOrgCredentials,
  redirectUri,
  saveOrgCredentials,
} from "./credentials.ts";
import { channels } from "./schema.ts";

const ADMINS = ["owner", "admin"] as const;

/** The org's own Azure app registration (BYOC): view (masked), create/replace, remove. */
export const credentialsRoutes: FastifyPluginAsync<ChannelsOptions> = async (
  app,
  { auth, database, config, events, secretBox },
) => {
  const db = database.db;

  async function view(orgId: string) {
    const row = await findOrgCredentials(db, orgId);
    if (!row) return null;
    const users = await db
      .select({ id: channels.id, email: channels.email, status: channels.status })
      .from(channels)
      .where(and(eq(channels.orgId, orgId), eq(channels.credentialsId, row.id)));
    return {
      clientId: row.clientId,
      secretHint: row.secretHint,
      tenant: row.tenant,
      createdAt: row.createdAt,
      secretUpdatedAt: row.secretUpdatedAt,
      channels: users,
    };
  }

  app.get("/api/outlook/credentials", async (request) => {
    const member = await requireMember(request, auth, database, { roles: ADMINS });
    return { credentials: await view(member.orgId), redirectUri: redirectUri(config) };
  });

  app.put("/api/outlook/credentials", async (request) => {
    const member = await requireMember(request, auth, database, { roles: ADMINS });
    const input = credentialsInput.parse(request.body ?? {});
    await saveOrgCredentials(db, secretBox, member.orgId, member.userId, input);
    request.log.info({ orgId: member.orgId }, "BYOC credentials saved");
    await events.publish(member.orgId, { type: "channels.updated", data: {} });
    return { credentials: await view(member.orgId) };
  });

  app.delete("/api/outlook/credentials", async (request, reply) => {
    const member = await requireMember(request, auth, database, { roles: ADMINS });
    await deleteOrgCredentials(db, member.orgId);
    request.log.info({ orgId: member.orgId }, "BYOC credentials removed");
    await events.publish(member.orgId, { type: "channels.updated", data: {} });
    return reply.status(204).send();
  });
};
