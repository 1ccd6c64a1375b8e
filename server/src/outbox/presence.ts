import { routes } from "@mailroom/contract";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { Auth } from "../accounts/auth.ts";
import { requireMember } from "../accounts/session.ts";
import { contractRoute } from "../contract-route.ts";
import type { Database, Db } from "../db/client.ts";
import { notFound } from "../errors.ts";
import type { EventBus } from "../events/bus.ts";
import { channelVisibility, isUuid, type Viewer } from "../inbox/visibility.ts";
import { findConversation } from "../mail/read-thread.ts";

/** A presence lapses this long after its last renewal (the composer renews every 20 s). */
export const PRESENCE_TTL_SECONDS = 45;

/** A conversation the viewer may see, or 404. */
export async function findVisibleConversation(db: Db, viewer: Viewer, conversationId: string) {
  const conversation = isUuid(conversationId)
    ? await findConversation(db, { orgId: viewer.orgId, visible: channelVisibility(viewer) }, conversationId)
    : undefined;
  if (!conversation) throw notFound("Conversation");
  return conversation;
}

/**
 * Who is viewing or replying to a conversation, live: each browser says so (and renews it while
 * it lasts); colleagues who can see the conversation get it as a `presence.updated` event. Nothing
 * is stored: a presence not renewed lapses at `until`.
 */
export const presenceRoute: FastifyPluginAsyncZod<{
  auth: Auth;
  database: Database;
  events: EventBus;
}> = async (app, { auth, database, events }) => {
  app.route({
    ...contractRoute(routes.setPresence),
    handler: async (request, reply) => {
      const m = await requireMember(request, auth, database);
      const conversation = await findVisibleConversation(database.db, m, request.params.id);
      await events.publish(m.orgId, {
        type: "presence.updated",
        data: {
          channelId: conversation.channelId,
          conversationId: conversation.id,
          userId: m.userId,
          name: m.name,
          activity: request.body.activity,
          until: new Date(Date.now() + PRESENCE_TTL_SECONDS * 1000).toISOString(),
        },
      });
      return reply.status(204).send();
    },
  });
};
