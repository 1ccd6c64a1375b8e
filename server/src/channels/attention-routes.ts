import { type AttentionView, routes } from "@mailroom/contract";
import { and, asc, eq } from "drizzle-orm";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { listMembers } from "../accounts/members.ts";
import { readSession, requireMember } from "../accounts/session.ts";
import { contractRoute } from "../contract-route.ts";
import type { ChannelsOptions } from "./channels-options.ts";
import { startReconnect } from "./connect.ts";
import { channels } from "./schema.ts";
import { currentSecretReminder, daysLeft } from "./secret-reminders.ts";

const ADMINS = ["owner", "admin"] as const;

/**
 * The banner's source (every member: which mailboxes stopped syncing, why, since when, and whom to
 * ask) and Reconnect (owners and admins: OAuth again for that channel).
 */
export const attentionRoutes: FastifyPluginAsyncZod<ChannelsOptions> = async (
  app,
  { auth, database, config, events, secretBox, hooks },
) => {
  const db = database.db;
  const deps = { config, db, box: secretBox, events, logger: app.log, ...(hooks ? { hooks } : {}) };

  app.route({
    ...contractRoute(routes.listAttention),
    handler: async (request): Promise<AttentionView> => {
      const member = await requireMember(request, auth, database);
      const rows = await db
        .select()
        .from(channels)
        .where(and(eq(channels.orgId, member.orgId), eq(channels.status, "needs_reauth")))
        .orderBy(asc(channels.email));
      const admins = rows.length
        ? (await listMembers(db, member.orgId))
            .filter((m) => m.role === "owner" || m.role === "admin")
            .map((m) => ({ name: m.name, email: m.email }))
        : [];
      const admin = (ADMINS as readonly string[]).includes(member.role);
      const reminder = admin ? await currentSecretReminder(db, member.orgId) : undefined;
      const left = reminder ? daysLeft(reminder.secretExpiresAt, new Date()) : 0;
      return {
        channels: rows.map((c) => ({
          id: c.id,
          email: c.email,
          displayName: c.displayName,
          status: c.status,
          reason: c.statusReason,
          since: c.statusChangedAt.toISOString(),
          credentialSource: c.credentialSource,
        })),
        admins,
        canReconnect: admin,
        secret:
          reminder && left > 0
            ? {
                expiresAt: reminder.secretExpiresAt.toISOString(),
                daysLeft: left,
                remindedAt: reminder.remindedAt.toISOString(),
              }
            : null,
      };
    },
  });

  app.route({
    ...contractRoute(routes.startReconnect),
    handler: async (request) => {
      const member = await requireMember(request, auth, database, { roles: ADMINS });
      const session = await readSession(request, auth);
      const authorizeUrl = await startReconnect(deps, {
        orgId: member.orgId,
        userId: member.userId,
        sessionId: session!.sessionId,
        channelId: request.params.id,
        returnTo: request.body.returnTo,
      });
      return { authorizeUrl };
    },
  });
};
