import type { FastifyPluginAsync } from "fastify";
import { z } from "zod";
import type { Auth } from "../accounts/auth.ts";
import { requireMember } from "../accounts/session.ts";
import type { Config } from "../config.ts";
import type { SecretBox } from "../crypto/secret-box.ts";
import type { Database } from "../db/client.ts";
import type { EventBus } from "../events/bus.ts";
import type { Logger } from "../log.ts";
import { ensureAttachmentLists } from "./attachment-lists.ts";
import {
  channelsInScope,
  getConversation,
  listConversations,
  MAX_PAGE,
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
}

const listQuery = z.object({
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(50),
  /** Comma-separated conversation ids: refetch just these (after a live update). */
  ids: z
    .string()
    .max(40 * MAX_PAGE)
    .transform((s) => s.split(",").filter(Boolean))
    .pipe(z.array(z.string()).max(MAX_PAGE, `At most ${MAX_PAGE} ids`))
    .optional(),
});
const inboxParams = z.object({ inboxId: z.string() });
const idParams = z.object({ id: z.string() });

/**
 * The inbox's reading API: conversation lists (one inbox, or every inbox the member can see) and
 * one conversation with its messages. Responses carry our ids only — never Graph's.
 */
export const conversationRoutes: FastifyPluginAsync<InboxRoutesOptions> = async (app, options) => {
  const { auth, database } = options;
  const db = database.db;
  const deps = {
    config: options.config,
    db,
    box: options.secretBox,
    events: options.events,
    logger: options.logger,
  };

  async function list(viewer: Viewer, query: z.infer<typeof listQuery>, inboxId?: string) {
    const [page, channels] = await Promise.all([
      listConversations(db, viewer, { ...query, inboxId }),
      // Only the first page says how the channels' imports are going (the empty and syncing states).
      query.cursor || query.ids
        ? Promise.resolve(undefined)
        : channelsInScope(db, viewer, inboxId, options.syncStatus),
    ]);
    return channels ? { ...page, channels } : page;
  }

  app.get("/api/conversations", async (request) => {
    const m = await requireMember(request, auth, database);
    return list(m, listQuery.parse(request.query));
  });

  app.get("/api/inboxes/:inboxId/conversations", async (request) => {
    const m = await requireMember(request, auth, database);
    const { inboxId } = inboxParams.parse(request.params);
    await assertVisibleInbox(db, m, inboxId);
    return list(m, listQuery.parse(request.query), inboxId);
  });

  app.get("/api/conversations/:id", async (request) => {
    const m = await requireMember(request, auth, database);
    const { id } = idParams.parse(request.params);
    const { conversation, rows } = await getConversation(db, m, id);
    const withLists = await ensureAttachmentLists(deps, rows);
    return { conversation: { ...conversation, messages: withLists.map(messageView) } };
  });
};
