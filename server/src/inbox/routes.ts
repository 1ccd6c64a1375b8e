import { and, eq } from "drizzle-orm";
import type { FastifyPluginAsync } from "fastify";
import { z } from "zod";
import { requireMember } from "../accounts/session.ts";
import { findChannel } from "../channels/channel-store.ts";
import { conflict } from "../errors.ts";
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
import { INBOX_COLORS, inboxChannels, inboxes } from "./schema.ts";

const ADMINS = ["owner", "admin"] as const;

const inboxFields = z.object({
  name: z.string().trim().min(1, "Give the inbox a name").max(80, "Keep the name under 80 characters"),
  description: z.string().trim().max(500, "Keep the description under 500 characters").optional(),
  color: z.enum(INBOX_COLORS, { message: `Choose one of: ${INBOX_COLORS.join(", ")}` }).optional(),
  visibility: z
    .enum(["org", "restricted"], { message: "Choose everyone in the organization or selected members" })
    .optional(),
  memberIds: z.array(z.string().min(1)).max(1000).optional(),
});
const ids = z.object({ id: z.string() });
const linkIds = z.object({ id: z.string(), channelId: z.string() });

/** Settings > Inboxes: shared inboxes, who sees them, and which channels feed them. */
export const inboxRoutes: FastifyPluginAsync<InboxRoutesOptions> = async (app, options) => {
  const { auth, database, events } = options;
  await app.register(conversationRoutes, options);
  await app.register(attachmentRoutes, options);
  const db = database.db;
  const changed = (orgId: string) => events.publish(orgId, { type: "inboxes.updated", data: {} });
  // A channel's summary lists the inboxes it feeds, so channel views refresh on links too.
  const linksChanged = async (orgId: string, channelId: string) => {
    await changed(orgId);
    await events.publish(orgId, { type: "channels.updated", data: { channelId } });
  };

  app.get("/api/inboxes", async (request) => {
    const m = await requireMember(request, auth, database);
    return { inboxes: await listInboxes(db, m.orgId, m) };
  });

  app.post("/api/inboxes", async (request, reply) => {
    const m = await requireMember(request, auth, database, { roles: ADMINS });
    const body = inboxFields.parse(request.body ?? {});
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
  });

  app.patch("/api/inboxes/:id", async (request) => {
    const m = await requireMember(request, auth, database, { roles: ADMINS });
    const { id } = ids.parse(request.params);
    const body = inboxFields
      .partial()
      .strict()
      .parse(request.body ?? {});
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
  });

  app.delete("/api/inboxes/:id", async (request, reply) => {
    const m = await requireMember(request, auth, database, { roles: ADMINS });
    const { id } = ids.parse(request.params);
    const inbox = await findInbox(db, m.orgId, id);
    if (inbox.isDefault) throw conflict("The default inbox can't be deleted");
    await db.delete(inboxes).where(and(eq(inboxes.id, id), eq(inboxes.orgId, m.orgId)));
    await changed(m.orgId);
    return reply.status(204).send();
  });

  app.put("/api/inboxes/:id/channels/:channelId", async (request, reply) => {
    const m = await requireMember(request, auth, database, { roles: ADMINS });
    const { id, channelId } = linkIds.parse(request.params);
    await findInbox(db, m.orgId, id);
    await findChannel(db, m.orgId, channelId);
    await db.insert(inboxChannels).values({ inboxId: id, channelId, orgId: m.orgId }).onConflictDoNothing();
    await linksChanged(m.orgId, channelId);
    return reply.status(204).send();
  });

  app.delete("/api/inboxes/:id/channels/:channelId", async (request, reply) => {
    const m = await requireMember(request, auth, database, { roles: ADMINS });
    const { id, channelId } = linkIds.parse(request.params);
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
  });
};
