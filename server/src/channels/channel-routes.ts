import { type ChannelDetail, type ChannelSummary, type InboxRef, routes } from "@mailroom/contract";
import { and, eq } from "drizzle-orm";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { userSummary } from "../accounts/members.ts";
import { type OrgMember, requireMember } from "../accounts/session.ts";
import { contractRoute } from "../contract-route.ts";
import { AppError } from "../errors.ts";
import { aliasesOf, type ChannelRow, findChannel, inboxesOfChannels, listChannels } from "./channel-store.ts";
import type { ChannelsOptions } from "./channels-options.ts";
import { refreshChannelAliases } from "./refresh-aliases.ts";
import { channels } from "./schema.ts";

const ADMINS = ["owner", "admin"] as const;

function summary(c: ChannelRow, inboxes: InboxRef[]): ChannelSummary {
  return {
    id: c.id,
    provider: c.provider,
    email: c.email,
    displayName: c.displayName,
    mailboxName: c.mailboxName,
    status: c.status,
    statusReason: c.statusReason,
    statusChangedAt: c.statusChangedAt.toISOString(),
    credentialSource: c.credentialSource,
    clientId: c.clientId,
    connectedAt: c.connectedAt.toISOString(),
    inboxes,
  };
}

/** Channel list, details, settings, aliases and disconnect. Never returns tokens. */
export const channelRoutes: FastifyPluginAsyncZod<ChannelsOptions> = async (app, options) => {
  const { auth, database, events, hooks } = options;
  const db = database.db;

  async function detail(viewer: OrgMember, c: ChannelRow): Promise<ChannelDetail> {
    const [inboxes, aliases, connectedBy] = await Promise.all([
      inboxesOfChannels(db, viewer.orgId, [c.id], viewer),
      aliasesOf(db, viewer.orgId, c.id),
      c.connectedBy ? userSummary(db, c.connectedBy) : Promise.resolve(null),
    ]);
    return {
      ...summary(c, inboxes.get(c.id) ?? []),
      signature: c.signature,
      autoBcc: c.autoBcc,
      undoSendSeconds: c.undoSendSeconds,
      aliases,
      aliasesRefreshedAt: c.aliasesRefreshedAt?.toISOString() ?? null,
      connectedBy,
    };
  }

  app.route({
    ...contractRoute(routes.listChannels),
    handler: async (request) => {
      const member = await requireMember(request, auth, database);
      const rows = await listChannels(db, member.orgId);
      const inboxes = await inboxesOfChannels(
        db,
        member.orgId,
        rows.map((r) => r.id),
        member,
      );
      return { channels: rows.map((r) => summary(r, inboxes.get(r.id) ?? [])) };
    },
  });

  app.route({
    ...contractRoute(routes.getChannel),
    handler: async (request) => {
      const member = await requireMember(request, auth, database);
      const { id } = request.params;
      return { channel: await detail(member, await findChannel(db, member.orgId, id)) };
    },
  });

  app.route({
    ...contractRoute(routes.updateChannel),
    handler: async (request) => {
      const member = await requireMember(request, auth, database, { roles: ADMINS });
      const { id } = request.params;
      const patch = request.body;
      await findChannel(db, member.orgId, id);
      const [updated] = await db
        .update(channels)
        .set({ ...patch, updatedAt: new Date() })
        .where(and(eq(channels.id, id), eq(channels.orgId, member.orgId)))
        .returning();
      await events.publish(member.orgId, { type: "channels.updated", data: { channelId: id } });
      return { channel: await detail(member, updated!) };
    },
  });

  app.route({
    ...contractRoute(routes.refreshAliases),
    handler: async (request) => {
      const member = await requireMember(request, auth, database, { roles: ADMINS });
      const { id } = request.params;
      const channel = await findChannel(db, member.orgId, id);
      if (channel.status !== "connected") {
        throw new AppError("conflict", "Reconnect this channel before refreshing its aliases");
      }
      await refreshChannelAliases(options, channel);
      await events.publish(member.orgId, { type: "channels.updated", data: { channelId: id } });
      return { aliases: await aliasesOf(db, member.orgId, id) };
    },
  });

  app.route({
    ...contractRoute(routes.disconnectChannel),
    handler: async (request, reply) => {
      const member = await requireMember(request, auth, database, { roles: ADMINS });
      const { id } = request.params;
      const { keepConversations } = request.query;
      await findChannel(db, member.orgId, id);
      await hooks
        ?.disconnecting(id)
        .catch((err: unknown) => request.log.warn({ err, channelId: id }, "disconnect hook failed"));
      if (keepConversations === "true") {
        await db
          .update(channels)
          .set({
            status: "disconnected",
            statusReason: null,
            statusChangedAt: new Date(),
            accessTokenSealed: null,
            refreshTokenSealed: null,
            accessTokenExpiresAt: null,
            updatedAt: new Date(),
          })
          .where(and(eq(channels.id, id), eq(channels.orgId, member.orgId)));
      } else {
        await db.delete(channels).where(and(eq(channels.id, id), eq(channels.orgId, member.orgId)));
      }
      request.log.info({ orgId: member.orgId, channelId: id, keepConversations }, "channel disconnected");
      await events.publish(member.orgId, { type: "channels.updated", data: { channelId: id } });
      return reply.status(204).send();
    },
  });
};
