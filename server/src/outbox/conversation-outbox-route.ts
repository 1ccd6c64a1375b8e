import { routes } from "@mailroom/contract";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { requireMember } from "../accounts/session.ts";
import { contractRoute } from "../contract-route.ts";
import { messagesByGraphIds } from "../mail/find-by-graph-id.ts";
import type { OutboxRoutesOptions } from "./outbox-deps.ts";
import { conversationOutbox, outboxView } from "./outbox-store.ts";
import { findVisibleConversation } from "./presence.ts";

/** The messages Mailroom sent or is sending in a conversation, as its thread shows them. */
export const conversationOutboxRoute: FastifyPluginAsyncZod<OutboxRoutesOptions> = async (
  app,
  { auth, database },
) => {
  const db = database.db;
  app.route({
    ...contractRoute(routes.listConversationOutbox),
    handler: async (request) => {
      const m = await requireMember(request, auth, database);
      const conversation = await findVisibleConversation(db, m, request.params.id);
      const rows = await conversationOutbox(db, m.orgId, conversation.id);
      // A sent message whose Sent Items copy the sync already stored shows in the thread instead.
      const sentIds = rows.flatMap((r) => (r.state === "sent" && r.graphDraftId ? [r.graphDraftId] : []));
      const stored = new Set(
        (await messagesByGraphIds(db, conversation.channelId, sentIds)).map((s) => s.graphId),
      );
      return {
        outbox: rows.filter((r) => !(r.graphDraftId && stored.has(r.graphDraftId))).map(outboxView),
      };
    },
  });
};
