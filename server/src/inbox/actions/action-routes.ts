import { MAX_BULK_IDS, routes } from "@mailroom/contract";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { Auth } from "../../accounts/auth.ts";
import { requireMember } from "../../accounts/session.ts";
import { connectedChannelGraph } from "../../channels/channel-graph.ts";
import type { Config } from "../../config.ts";
import { contractRoute } from "../../contract-route.ts";
import type { SecretBox } from "../../crypto/secret-box.ts";
import type { Database } from "../../db/client.ts";
import { AppError, badRequest, conflict, notFound } from "../../errors.ts";
import type { EventBus } from "../../events/bus.ts";
import type { JobQueue } from "../../jobs/queue.ts";
import { WELL_KNOWN_FOLDERS } from "../../mail/folders.ts";
import { conversationRefs } from "../../mail/read-conversations.ts";
import { GraphError } from "../../microsoft/graph-client.ts";
import { listFolderChoices } from "../../microsoft/mail-folders.ts";
import { assertVisibleChannel, assertVisibleInbox, isUuid, visibleChannelIds } from "../visibility.ts";
import { BULK_ACTION_JOB } from "./bulk-job.ts";
import { bulkActionView, findOwnBulkAction, publishProgress } from "./bulk-store.ts";
import { runAction } from "./run-actions.ts";
import { bulkActions } from "./schema.ts";

export interface ActionRoutesOptions {
  auth: Auth;
  database: Database;
  events: EventBus;
  config: Config;
  secretBox: SecretBox;
  /** Bulk actions are jobs; without a queue (bare tests) only single-conversation actions exist. */
  queue?: Pick<JobQueue, "send">;
}

const RECONNECT_FOR_FOLDERS = "This mailbox needs to be reconnected before its folders can be listed";
const FOLDER_OF_ONE_MAILBOX =
  "That folder belongs to one mailbox, and the selection spans several: select conversations of one mailbox, or move them to a folder every mailbox has (Deleted Items, Junk Email, Inbox)";

/** Actions on one conversation (answered at once) and bulk actions (a job with progress). */
export const actionRoutes: FastifyPluginAsyncZod<ActionRoutesOptions> = async (app, options) => {
  const { auth, database, queue } = options;
  const db = database.db;
  const deps = { config: options.config, db, box: options.secretBox, events: options.events };

  app.route({
    ...contractRoute(routes.actOnConversation),
    handler: async (request) => {
      const m = await requireMember(request, auth, database);
      const { id } = request.params;
      if (!isUuid(id)) throw notFound("Conversation");
      const channelIds = await visibleChannelIds(db, m);
      const [ref] = await conversationRefs(db, { orgId: m.orgId, channelIds, ids: [id] }, 1);
      if (!ref) throw notFound("Conversation");
      const [outcome] = await runAction(deps, m.orgId, [ref], request.body.action, { logger: request.log });
      return { outcome: outcome! };
    },
  });

  app.route({
    ...contractRoute(routes.listChannelFolders),
    handler: async (request) => {
      const m = await requireMember(request, auth, database);
      const { id } = request.params;
      await assertVisibleChannel(db, m, id);
      const connected = await connectedChannelGraph(deps, id);
      if (!connected) throw conflict(RECONNECT_FOR_FOLDERS);
      try {
        return { folders: await listFolderChoices(connected.graph) };
      } catch (err) {
        if (!(err instanceof GraphError)) throw err;
        request.log.warn(
          { channelId: id, status: err.status, code: err.code },
          "folder list refused by Graph",
        );
        if (err.status === 401 || err.status === 403) throw conflict(RECONNECT_FOR_FOLDERS);
        throw new AppError(
          "unavailable",
          "Microsoft did not list the mailbox's folders; try again in a moment",
          {
            retryAfterSeconds: err.retryAfterSeconds ?? 5,
          },
        );
      }
    },
  });

  if (!queue) return;

  app.route({
    ...contractRoute(routes.startBulkAction),
    handler: async (request, reply) => {
      const m = await requireMember(request, auth, database);
      const { action, selection } = request.body;
      const inboxId = "allMatching" in selection ? selection.allMatching.inboxId : undefined;
      if (inboxId) await assertVisibleInbox(db, m, inboxId);
      const channelIds = await visibleChannelIds(db, m, inboxId);
      const stored =
        "ids" in selection
          ? { channelIds, ids: [...new Set(selection.ids.filter(isUuid))] }
          : { channelIds, allMatching: selection.allMatching };
      // A folder's id names a folder of one mailbox: moving several mailboxes' mail there would
      // fail in all but one, conversation by conversation. Said now instead.
      if (action.type === "move" && !WELL_KNOWN_FOLDERS.has(action.folderId.toLowerCase())) {
        const mailboxes =
          "ids" in selection
            ? (
                await conversationRefs(
                  db,
                  { orgId: m.orgId, channelIds, ids: selection.ids.filter(isUuid) },
                  MAX_BULK_IDS,
                )
              ).map((r) => r.channelId)
            : channelIds;
        if (new Set(mailboxes).size > 1) throw badRequest(FOLDER_OF_ONE_MAILBOX);
      }
      const [row] = await db
        .insert(bulkActions)
        .values({ orgId: m.orgId, userId: m.userId, action, selection: stored })
        .returning();
      await queue.send(BULK_ACTION_JOB, { bulkActionId: row!.id });
      await publishProgress(options.events, row!, request.log);
      return reply.status(202).send({ bulkAction: bulkActionView(row!) });
    },
  });

  app.route({
    ...contractRoute(routes.getBulkAction),
    handler: async (request) => {
      const m = await requireMember(request, auth, database);
      return { bulkAction: bulkActionView(await findOwnBulkAction(db, m, request.params.id)) };
    },
  });
};
