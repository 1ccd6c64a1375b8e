import { and, eq } from "drizzle-orm";
import type { FastifyPluginAsync } from "fastify";
import { z } from "zod";
import { userSummary } from "../accounts/members.ts";
import { requireMember } from "../accounts/session.ts";
import { AppError } from "../errors.ts";
import { aliasesOf, type ChannelRow, findChannel, inboxesOfChannels, listChannels } from "./channel-store.ts";
import type { ChannelsOptions } from "./channels-options.ts";
import { refreshChannelAliases } from "./refresh-aliases.ts";
import { channels } from "./schema.ts";

const ADMINS = ["owner", "admin"] as const;
const idParams = z.object({ id: z.string() });

const settingsPatch = z
  .object({
    displayName: z.string().trim().min(1, "Enter the name customers see as the sender").max(100).optional(),
    signature: z.string().max(10_000, "Keep the signature under 10,000 characters").optional(),
    autoBcc: z.email("Enter one email address, or leave it empty").max(320).nullable().optional(),
    undoSendSeconds: z
      .number()
      .int()
      .min(0, "Between 0 and 30 seconds")
      .max(30, "Between 0 and 30 seconds")
      .optional(),
  })
  .strict();

function summary(c: ChannelRow, inboxes: { id: string; name: string; color: string }[]) {
  return {
    id: c.id,
    provider: c.provider,
    email: c.email,
    displayName: c.displayName,
    mailboxName: c.mailboxName,
    status: c.status,
    statusReason: c.statusReason,
    credentialSource: c.credentialSource,
    clientId: c.clientId,
    connectedAt: c.connectedAt,
    inboxes,
  };
}

/** Channel list, details, settings, aliases and disconnect. Never returns tokens. */
export const channelRoutes: FastifyPluginAsync<ChannelsOptions> = async (app, options) => {
  const { auth, database, events, hooks } = options;
  const db = database.db;

  async function detail(orgId: string, c: ChannelRow) {
    const [inboxes, aliases, connectedBy] = await Promise.all([
      inboxesOfChannels(db, orgId, [c.id]),
      aliasesOf(db, orgId, c.id),
      c.connectedBy ? userSummary(db, c.connectedBy) : Promise.resolve(null),
    ]);
    return {
      ...summary(c, inboxes.get(c.id) ?? []),
      signature: c.signature,
      autoBcc: c.autoBcc,
      undoSendSeconds: c.undoSendSeconds,
      aliases,
      aliasesRefreshedAt: c.aliasesRefreshedAt,
      connectedBy,
    };
  }

  app.get("/api/channels", async (request) => {
    const member = await requireMember(request, auth, database);
    const rows = await listChannels(db, member.orgId);
    const inboxes = await inboxesOfChannels(
      db,
      member.orgId,
      rows.map((r) => r.id),
    );
    return { channels: rows.map((r) => summary(r, inboxes.get(r.id) ?? [])) };
  });

  app.get("/api/channels/:id", async (request) => {
    const member = await requireMember(request, auth, database);
    const { id } = idParams.parse(request.params);
    return { channel: await detail(member.orgId, await findChannel(db, member.orgId, id)) };
  });

  app.patch("/api/channels/:id", async (request) => {
    const member = await requireMember(request, auth, database, { roles: ADMINS });
    const { id } = idParams.parse(request.params);
    const patch = settingsPatch.parse(request.body ?? {});
    await findChannel(db, member.orgId, id);
    const [updated] = await db
      .update(channels)
      .set({ ...patch, updatedAt: new Date() })
      .where(and(eq(channels.id, id), eq(channels.orgId, member.orgId)))
      .returning();
    await events.publish(member.orgId, { type: "channels.updated", data: { channelId: id } });
    return { channel: await detail(member.orgId, updated!) };
  });

  app.post("/api/channels/:id/aliases/refresh", async (request) => {
    const member = await requireMember(request, auth, database, { roles: ADMINS });
    const { id } = idParams.parse(request.params);
    const channel = await findChannel(db, member.orgId, id);
    if (channel.status !== "connected") {
      throw new AppError("conflict", "Reconnect this channel before refreshing its aliases");
    }
    await refreshChannelAliases(options, channel);
    await events.publish(member.orgId, { type: "channels.updated", data: { channelId: id } });
    return { aliases: await aliasesOf(db, member.orgId, id) };
  });

  app.delete("/api/channels/:id", async (request, reply) => {
    const member = await requireMember(request, auth, database, { roles: ADMINS });
    const { id } = idParams.parse(request.params);
    const { keepConversations } = z
      .object({ keepConversations: z.enum(["true", "false"]).default("true") })
      .parse(request.query);
    await findChannel(db, member.orgId, id);
    await hooks
      ?.disconnecting(id)
      .catch((err: unknown) => request.log.warn({ err, channelId: id }, "disconnect hook failed"));
    if (keepConversations === "true") {
      await db
        .update(channels)
        .set({
          status: "disconnected",
          statusReason: null,
          statusChangedAt: new Date(),
          accessTokenSealed: null,
          refreshTokenSealed: null,
          accessTokenExpiresAt: null,
          updatedAt: new Date(),
        })
        .where(and(eq(channels.id, id), eq(channels.orgId, member.orgId)));
    } else {
      await db.delete(channels).where(and(eq(channels.id, id), eq(channels.orgId, member.orgId)));
    }
    request.log.info({ orgId: member.orgId, channelId: id, keepConversations }, "channel disconnected");
    await events.publish(member.orgId, { type: "channels.updated", data: { channelId: id } });
    return reply.status(204).send();
  });
};
