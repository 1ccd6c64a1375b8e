import { routes } from "@mailroom/contract";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { MANAGER_ROLES as ADMINS } from "../accounts/roles.ts";
import { requireMember } from "../accounts/session.ts";
import { contractRoute } from "../contract-route.ts";
import { AppError } from "../errors.ts";
import { aliasesOf, findChannel, inboxesOfChannels, listChannels } from "./channel-store.ts";
import { disconnectChannel, updateChannelSettings } from "./channel-updates.ts";
import { channelDetail, channelSummary } from "./channel-views.ts";
import type { ChannelsOptions } from "./channels-options.ts";
import { refreshChannelAliases } from "./refresh-aliases.ts";

/** Channel list, details, settings, aliases and disconnect. Never returns tokens. */
export const channelRoutes: FastifyPluginAsyncZod<ChannelsOptions> = async (app, options) => {
  const { auth, database, events, hooks } = options;
  const db = database.db;
  const changed = (orgId: string, channelId: string) =>
    events.publish(orgId, { type: "channels.updated", data: { channelId } });

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
      return { channels: rows.map((r) => channelSummary(r, inboxes.get(r.id) ?? [])) };
    },
  });

  app.route({
    ...contractRoute(routes.getChannel),
    handler: async (request) => {
      const member = await requireMember(request, auth, database);
      const { id } = request.params;
      return { channel: await channelDetail(db, member, await findChannel(db, member.orgId, id)) };
    },
  });

  app.route({
    ...contractRoute(routes.updateChannel),
    handler: async (request) => {
      const member = await requireMember(request, auth, database, { roles: ADMINS });
      const { id } = request.params;
      await findChannel(db, member.orgId, id);
      const updated = await updateChannelSettings(db, member.orgId, id, request.body);
      await changed(member.orgId, id);
      return { channel: await channelDetail(db, member, updated) };
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
      await changed(member.orgId, id);
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
      await disconnectChannel(db, member.orgId, id, keepConversations === "true");
      request.log.info({ orgId: member.orgId, channelId: id, keepConversations }, "channel disconnected");
      await changed(member.orgId, id);
      return reply.status(204).send();
    },
  });
};
