import { BACKFILL_CHOICES, routes } from "@mailroom/contract";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { Auth } from "../../accounts/auth.ts";
import { requireMember } from "../../accounts/session.ts";
import { findChannel } from "../../channels/channel-store.ts";
import { contractRoute } from "../../contract-route.ts";
import type { Database } from "../../db/client.ts";
import { conflict, notFound } from "../../errors.ts";
import type { EventBus } from "../../events/bus.ts";
import type { JobQueue } from "../../jobs/queue.ts";
import { sendBackfill } from "../job-messages.ts";
import {
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

/**
 * "Sync older mail" over HTTP (backfill-store.ts, run-backfill.ts). Any member may watch a channel's backfills; owners
 * and admins start and cancel them. Responses carry progress and the window, never Graph links.
 */
export const backfillRoutes: FastifyPluginAsyncZod<BackfillRoutesOptions> = async (app, options) => {
  const { auth, database, events, queue } = options;
  const db = database.db;

  app.route({
    ...contractRoute(routes.listBackfills),
    handler: async (request) => {
      const member = await requireMember(request, auth, database);
      const { channelId } = request.params;
      await findChannel(db, member.orgId, channelId);
      const history = (await listBackfills(db, member.orgId, channelId)).map(backfillView);
      return { latest: history[0] ?? null, history, choices: [...BACKFILL_CHOICES] };
    },
  });

  app.route({
    ...contractRoute(routes.startBackfill, { validationTitle: "Choose how far back to sync" }),
    handler: async (request, reply) => {
      const member = await requireMember(request, auth, database, { roles: ADMINS });
      const { channelId } = request.params;
      const channel = await findChannel(db, member.orgId, channelId);
      if (channel.status !== "connected") throw conflict("Reconnect this channel before syncing older mail");
      const { backfill, created } = await startBackfill(db, {
        orgId: member.orgId,
        channelId,
        days: request.body.days,
        requestedBy: member.userId,
      });
      if (created) {
        await sendBackfill(queue, backfill);
        await publishBackfillProgress({ events }, backfill);
        request.log.info({ channelId, backfillId: backfill.id, days: backfill.days }, "backfill requested");
      }
      return reply.code(created ? 202 : 200).send({ backfill: backfillView(backfill) });
    },
  });

  app.route({
    ...contractRoute(routes.cancelBackfill),
    handler: async (request) => {
      const member = await requireMember(request, auth, database, { roles: ADMINS });
      const { channelId, id } = request.params;
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
    },
  });
};
