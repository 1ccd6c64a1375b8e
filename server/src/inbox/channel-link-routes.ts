import { routes } from "@mailroom/contract";
import { and, eq } from "drizzle-orm";
import type { FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { MANAGER_ROLES as ADMINS } from "../accounts/roles.ts";
import { requireMember } from "../accounts/session.ts";
import { findChannel } from "../channels/channel-store.ts";
import { contractRoute } from "../contract-route.ts";
import type { InboxRoutesOptions } from "./conversation-routes.ts";
import { publishInboxesUpdated } from "./inbox-settings-routes.ts";
import { findInbox } from "./inbox-store.ts";
import { inboxChannels } from "./schema.ts";

/** Settings > Inboxes: which channels feed an inbox. */
export const channelLinkRoutes: FastifyPluginAsyncZod<InboxRoutesOptions> = async (app, options) => {
  const { auth, database, events } = options;
  const db = database.db;
  // A channel's summary lists the inboxes it feeds, so channel views refresh on links too.
  const linksChanged = async (orgId: string, channelId: string) => {
    await publishInboxesUpdated(events, orgId);
    await events.publish(orgId, { type: "channels.updated", data: { channelId } });
  };

  /** An admin's link of the org's inbox `id` and channel `channelId` (403 / 404 otherwise). */
  const linkOf = async (request: FastifyRequest, params: { id: string; channelId: string }) => {
    const m = await requireMember(request, auth, database, { roles: ADMINS });
    await findInbox(db, m.orgId, params.id);
    await findChannel(db, m.orgId, params.channelId);
    return { inboxId: params.id, channelId: params.channelId, orgId: m.orgId };
  };

  app.route({
    ...contractRoute(routes.linkChannel),
    handler: async (request, reply) => {
      const link = await linkOf(request, request.params);
      await db.insert(inboxChannels).values(link).onConflictDoNothing();
      await linksChanged(link.orgId, link.channelId);
      return reply.status(204).send();
    },
  });

  app.route({
    ...contractRoute(routes.unlinkChannel),
    handler: async (request, reply) => {
      const link = await linkOf(request, request.params);
      await db
        .delete(inboxChannels)
        .where(
          and(
            eq(inboxChannels.inboxId, link.inboxId),
            eq(inboxChannels.channelId, link.channelId),
            eq(inboxChannels.orgId, link.orgId),
          ),
        );
      await linksChanged(link.orgId, link.channelId);
      return reply.status(204).send();
    },
  });
};
