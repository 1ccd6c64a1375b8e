import { routes } from "@mailroom/contract";
import { and, eq } from "drizzle-orm";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { requireMember } from "../accounts/session.ts";
import { findChannel } from "../channels/channel-store.ts";
import { contractRoute } from "../contract-route.ts";
import { conflict } from "../errors.ts";
import { actionRoutes } from "./actions/action-routes.ts";
import { attachmentRoutes } from "./attachment-routes.ts";
import { conversationRoutes, type InboxRoutesOptions } from "./conversation-routes.ts";
import { ensureDefaultInbox } from "./default-inbox.ts";
import {
  assertOrgMembers,
  duplicateName,
  findInbox,
  inboxView,
  listInboxes,
  setInboxMembers,
} from "./inbox-store.ts";
import { inboxChannels, inboxes } from "./schema.ts";

const ADMINS = ["owner", "admin"] as const;

/** Settings > Inboxes: shared inboxes, who sees them, and which channels feed them. */
export const inboxRoutes: FastifyPluginAsyncZod<InboxRoutesOptions> = async (app, options) => {
  const { auth, database, events } = options;
  await app.register(conversationRoutes, options);
  await app.register(attachmentRoutes, options);
  await app.register(actionRoutes, options);
  const db = database.db;
  const changed = (orgId: string) => events.publish(orgId, { type: "inboxes.updated", data: {} });
  // A channel's summary lists the inboxes it feeds, so channel views refresh on links too.
  const linksChanged = async (orgId: string, channelId: string) => {
    await changed(orgId);
    await events.publish(orgId, { type: "channels.updated", data: { channelId } });
  };

  app.route({
    ...contractRoute(routes.listInboxes),
    handler: async (request) => {
      const m = await requireMember(request, auth, database);
      return { inboxes: await listInboxes(db, m.orgId, m) };
    },
  });

  app.route({
    ...contractRoute(routes.createInbox),
    handler: async (request, reply) => {
      const m = await requireMember(request, auth, database, { roles: ADMINS });
      const { body } = request;
      if (body.memberIds) await assertOrgMembers(db, m.orgId, body.memberIds);
      // The default inbox exists first, so no new inbox can take its name before it is created.
      await ensureDefaultInbox(db, m.orgId);
      const [row] = await db
        .insert(inboxes)
        .values({
          orgId: m.orgId,
          name: body.name,
          description: body.description ?? "",
          color: body.color ?? "blue",
          visibility: body.visibility ?? "org",
        })
        .returning()
        .catch(duplicateName);
      if (body.memberIds) await setInboxMembers(db, m.orgId, row!.id, body.memberIds);
      await changed(m.orgId);
      return reply.status(201).send({ inbox: await inboxView(db, m.orgId, row!) });
    },
  });

  app.route({
    ...contractRoute(routes.updateInbox),
    handler: async (request) => {
      const m = await requireMember(request, auth, database, { roles: ADMINS });
      const { id } = request.params;
      const { body } = request;
      await findInbox(db, m.orgId, id);
      const { memberIds, ...fields } = body;
      if (memberIds) await assertOrgMembers(db, m.orgId, memberIds);
      const [row] = await db
        .update(inboxes)
        .set({ ...fields, updatedAt: new Date() })
        .where(and(eq(inboxes.id, id), eq(inboxes.orgId, m.orgId)))
        .returning()
        .catch(duplicateName);
      if (memberIds) await setInboxMembers(db, m.orgId, id, memberIds);
      await changed(m.orgId);
      return { inbox: await inboxView(db, m.orgId, row!) };
    },
  });

  app.route({
    ...contractRoute(routes.deleteInbox),
    handler: async (request, reply) => {
      const m = await requireMember(request, auth, database, { roles: ADMINS });
      const { id } = request.params;
      const inbox = await findInbox(db, m.orgId, id);
      if (inbox.isDefault) throw conflict("The default inbox can't be deleted");
      await db.delete(inboxes).where(and(eq(inboxes.id, id), eq(inboxes.orgId, m.orgId)));
      await changed(m.orgId);
      return reply.status(204).send();
    },
  });

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
