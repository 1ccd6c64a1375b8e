import { routes } from "@mailroom/contract";
import { and, eq } from "drizzle-orm";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { MANAGER_ROLES as ADMINS } from "../accounts/roles.ts";
import { requireMember } from "../accounts/session.ts";
import { contractRoute } from "../contract-route.ts";
import { conflict } from "../errors.ts";
import type { EventBus } from "../events/bus.ts";
import type { InboxRoutesOptions } from "./conversation-routes.ts";
import { ensureDefaultInbox } from "./default-inbox.ts";
import {
  assertOrgMembers,
  duplicateName,
  findInbox,
  inboxView,
  listInboxes,
  setInboxMembers,
} from "./inbox-store.ts";
import { inboxes } from "./schema.ts";

/** Tells the org's browsers to refetch their inbox lists. */
export function publishInboxesUpdated(events: EventBus, orgId: string): Promise<void> {
  return events.publish(orgId, { type: "inboxes.updated", data: {} });
}

/** Settings > Inboxes: list, create, edit and delete shared inboxes, and who sees them. */
export const inboxSettingsRoutes: FastifyPluginAsyncZod<InboxRoutesOptions> = async (app, options) => {
  const { auth, database, events } = options;
  const db = database.db;

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
      await publishInboxesUpdated(events, m.orgId);
      return reply.status(201).send({ inbox: await inboxView(db, m.orgId, row!) });
    },
  });

  app.route({
    ...contractRoute(routes.updateInbox),
    handler: async (request) => {
      const m = await requireMember(request, auth, database, { roles: ADMINS });
      const { id } = request.params;
      await findInbox(db, m.orgId, id);
      const { memberIds, ...fields } = request.body;
      if (memberIds) await assertOrgMembers(db, m.orgId, memberIds);
      const [row] = await db
        .update(inboxes)
        .set({ ...fields, updatedAt: new Date() })
        .where(and(eq(inboxes.id, id), eq(inboxes.orgId, m.orgId)))
        .returning()
        .catch(duplicateName);
      if (memberIds) await setInboxMembers(db, m.orgId, id, memberIds);
      await publishInboxesUpdated(events, m.orgId);
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
      await publishInboxesUpdated(events, m.orgId);
      return reply.status(204).send();
    },
  });
};
