import { type ConversationListQuery, routes } from "@mailroom/contract";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { Auth } from "../accounts/auth.ts";
import { requireMember } from "../accounts/session.ts";
import type { Config } from "../config.ts";
import { contractRoute } from "../contract-route.ts";
import type { SecretBox } from "../crypto/secret-box.ts";
import type { Database } from "../db/client.ts";
import type { EventBus } from "../events/bus.ts";
import type { JobQueue } from "../jobs/queue.ts";
import type { Logger } from "../log.ts";
import { ensureAttachmentLists } from "./attachment-lists.ts";
import {
  channelsInScope,
  getConversation,
  listConversations,
  messageView,
  type SyncStatusPort,
} from "./conversation-store.ts";
import { assertVisibleInbox, type Viewer } from "./visibility.ts";

export interface InboxRoutesOptions {
  auth: Auth;
  database: Database;
  events: EventBus;
  /** For attachment lists and contents, fetched from Graph with the channel's tokens. */
  config: Config;
  secretBox: SecretBox;
  logger?: Logger;
  /** Whether channels are still importing (sync answers; http/app.ts wires it). */
  syncStatus: SyncStatusPort;
  /** Where bulk actions are sent as jobs (actions/); absent in bare tests. */
  queue?: Pick<JobQueue, "send">;
}

/**
 * The inbox's reading API: conversation lists (one inbox, or every inbox the member can see) and
 * one conversation with its messages. Responses carry our ids only — never Graph's.
 */
export const conversationRoutes: FastifyPluginAsyncZod<InboxRoutesOptions> = async (app, options) => {
  const { auth, database } = options;
  const db = database.db;
  const deps = {
    config: options.config,
    db,
    box: options.secretBox,
    events: options.events,
    logger: options.logger,
  };

  async function list(viewer: Viewer, query: ConversationListQuery, inboxId?: string) {
    const [page, channels] = await Promise.all([
      listConversations(db, viewer, { ...query, inboxId }),
      // Only the first page says how the channels' imports are going (the empty and syncing states).
      query.cursor || query.ids
        ? Promise.resolve(undefined)
        : channelsInScope(db, viewer, inboxId, options.syncStatus),
    ]);
    return channels ? { ...page, channels } : page;
  }

  app.route({
    ...contractRoute(routes.listConversations),
    handler: async (request) => {
      const m = await requireMember(request, auth, database);
      return list(m, request.query);
    },
  });

  app.route({
    ...contractRoute(routes.listInboxConversations),
    handler: async (request) => {
      const m = await requireMember(request, auth, database);
      const { inboxId } = request.params;
      await assertVisibleInbox(db, m, inboxId);
      return list(m, request.query, inboxId);
    },
  });

  app.route({
    ...contractRoute(routes.getConversation),
    handler: async (request) => {
      const m = await requireMember(request, auth, database);
      const { id } = request.params;
      const { conversation, rows } = await getConversation(db, m, id);
      const withLists = await ensureAttachmentLists(deps, rows);
      return { conversation: { ...conversation, messages: withLists.map(messageView) } };
    },
  });
};
