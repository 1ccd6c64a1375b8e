import type { FastifyPluginAsync } from "fastify";
import { z } from "zod";
import type { Auth } from "../../accounts/auth.ts";
import { requireMember } from "../../accounts/session.ts";
import { findChannel } from "../../channels/channel-store.ts";
import type { Database } from "../../db/client.ts";
import { badRequest, conflict, notFound } from "../../errors.ts";
import type { EventBus } from "../../events/bus.ts";
import type { JobQueue } from "../../jobs/queue.ts";
import { sendBackfill } from "../job-messages.ts";
import {
  BACKFILL_CHOICES,
  type BackfillDays,
  backfillView,
  cancelBackfill,
  listBackfills,
  publishBackfillProgress,
  startBackfill,
} from "./backfill-store.ts";

export interface BackfillRoutesOptions {
  auth: Auth;
  database: Database;
  events: EventBus;
  queue: JobQueue;
}

const ADMINS = ["owner", "admin"] as const;
const channelParams = z.object({ channelId: z.string() });
const backfillParams = z.object({ channelId: z.string(), id: z.string() });
const startBody = z.object({
  days: z.number().refine((d): d is BackfillDays => (BACKFILL_CHOICES as readonly number[]).includes(d), {
    message: `days must be one of ${BACKFILL_CHOICES.join(", ")}`,
  }),
});

/**
 * "Sync older mail" over HTTP (backfill-store.ts, run-backfill.ts). Any member may watch a channel's backfills; owners
 * and admins start and cancel them. Responses carry progress and the window, never Graph links.
 */
export const backfillRoutes: FastifyPluginAsync<BackfillRoutesOptions> = async (app, options) => {
  const { auth, database, events, queue } = options;
  const db = database.db;

  app.get("/api/channels/:channelId/backfills", async (request) => {
    const member = await requireMember(request, auth, database);
    const { channelId } = channelParams.parse(request.params);
    await findChannel(db, member.orgId, channelId);
    const history = (await listBackfills(db, member.orgId, channelId)).map(backfillView);
    return { latest: history[0] ?? null, history, choices: BACKFILL_CHOICES };
  });

  app.post("/api/channels/:channelId/backfill", async (request, reply) => {
    const member = await requireMember(request, auth, database, { roles: ADMINS });
    const { channelId } = channelParams.parse(request.params);
    const parsed = startBody.safeParse(request.body ?? {});
    if (!parsed.success)
      throw badRequest("Choose how far back to sync", [
        { field: "days", message: `Choose ${BACKFILL_CHOICES.join(", ")} days` },
      ]);
    const channel = await findChannel(db, member.orgId, channelId);
    if (channel.status !== "connected") throw conflict("Reconnect this channel before syncing older mail");
    const { backfill, created } = await startBackfill(db, {
      orgId: member.orgId,
      channelId,
      days: parsed.data.days,
      requestedBy: member.userId,
    });
    if (created) {
      await sendBackfill(queue, backfill);
      await publishBackfillProgress({ events }, backfill);
      request.log.info({ channelId, backfillId: backfill.id, days: backfill.days }, "backfill requested");
    }
    return reply.code(created ? 202 : 200).send({ backfill: backfillView(backfill) });
  });

  app.post("/api/channels/:channelId/backfills/:id/cancel", async (request) => {
    const member = await requireMember(request, auth, database, { roles: ADMINS });
    const { channelId, id } = backfillParams.parse(request.params);
    await findChannel(db, member.orgId, channelId);
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw notFound("Backfill");
    const cancelled = await cancelBackfill(db, member.orgId, channelId, id);
    if (!cancelled) {
      const known = (await listBackfills(db, member.orgId, channelId, 50)).find((b) => b.id === id);
      if (!known) throw notFound("Backfill");
      throw conflict(`This backfill is already ${known.status}`);
    }
    await publishBackfillProgress({ events }, cancelled);
    return { backfill: backfillView(cancelled) };
  });
};
