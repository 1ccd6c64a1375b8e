import { routes } from "@mailroom/contract";
import { and, eq } from "drizzle-orm";
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

  app.route({
    ...contractRoute(routes.linkChannel),
    handler: async (request, reply) => {
      const m = await requireMember(request, auth, database, { roles: ADMINS });
      const { id, channelId } = request.params;
      await findInbox(db, m.orgId, id);
      await findChannel(db, m.orgId, channelId);
      await db.insert(inboxChannels).values({ inboxId: id, channelId, orgId: m.orgId }).onConflictDoNothing();
      await linksChanged(m.orgId, channelId);
      return reply.status(204).send();
    },
  });

  app.route({
    ...contractRoute(routes.unlinkChannel),
    handler: async (request, reply) => {
      const m = await requireMember(request, auth, database, { roles: ADMINS });
      const { id, channelId } = request.params;
      await findInbox(db, m.orgId, id);
      await findChannel(db, m.orgId, channelId);
      await db
        .delete(inboxChannels)
        .where(
          and(
            eq(inboxChannels.inboxId, id),
            eq(inboxChannels.channelId, channelId),
            eq(inboxChannels.orgId, m.orgId),
          ),
        );
      await linksChanged(m.orgId, channelId);
      return reply.status(204).send();
    },
  });
};
