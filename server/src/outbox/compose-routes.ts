import { routes } from "@mailroom/contract";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { Auth } from "../accounts/auth.ts";
import { requireMember } from "../accounts/session.ts";
import { findChannel } from "../channels/channel-store.ts";
import { contractRoute } from "../contract-route.ts";
import type { Database } from "../db/client.ts";
import { assertVisibleChannel } from "../inbox/visibility.ts";
import { threadMessages } from "../mail/read-thread.ts";
import { composeContext } from "./compose-context.ts";
import { findVisibleConversation } from "./presence.ts";

/** The composer's starting point: for a reply in a conversation, or a new email from a mailbox. */
export const composeRoutes: FastifyPluginAsyncZod<{ auth: Auth; database: Database }> = async (
  app,
  { auth, database },
) => {
  const db = database.db;

  app.route({
    ...contractRoute(routes.composeForConversation),
    handler: async (request) => {
      const m = await requireMember(request, auth, database);
      const conversation = await findVisibleConversation(db, m, request.params.id);
      const [channel, thread] = await Promise.all([
        findChannel(db, m.orgId, conversation.channelId),
        threadMessages(db, m.orgId, conversation.id),
      ]);
      return composeContext(db, channel, thread);
    },
  });

  app.route({
    ...contractRoute(routes.composeForChannel),
    handler: async (request) => {
      const m = await requireMember(request, auth, database);
      const { id } = request.params;
      await assertVisibleChannel(db, m, id);
      return composeContext(db, await findChannel(db, m.orgId, id));
    },
  });
};
