import { routes } from "@mailroom/contract";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { Auth } from "../../accounts/auth.ts";
import { requireMember } from "../../accounts/session.ts";
import { findChannel } from "../../channels/channel-store.ts";
import type { Config } from "../../config.ts";
import { contractRoute } from "../../contract-route.ts";
import type { Database } from "../../db/client.ts";
import { conflict } from "../../errors.ts";
import type { EventBus } from "../../events/bus.ts";
import type { JobQueue } from "../../jobs/queue.ts";
import { sendSyncChannel } from "../job-messages.ts";
import { publishHealthChanged } from "../state/sync-state.ts";
import { healthSettings } from "./describe-health.ts";
import { channelHealth, orgHealth } from "./health-queries.ts";

export interface HealthRoutesOptions {
  config: Config;
  auth: Auth;
  database: Database;
  events: EventBus;
  queue: JobQueue;
}

const ADMINS = ["owner", "admin"] as const;

/**
 * Sync health over HTTP: a channel's full picture (its page), one line per channel (Settings >
 * Channels), and "Check now". Any member may look; only owners and admins may ask for a sync.
 */
export const healthRoutes: FastifyPluginAsyncZod<HealthRoutesOptions> = async (app, options) => {
  const { auth, database, events, queue } = options;
  const db = database.db;
  const settings = healthSettings(options.config);

  app.route({
    ...contractRoute(routes.getChannelSync),
    handler: async (request) => {
      const member = await requireMember(request, auth, database);
      const channel = await findChannel(db, member.orgId, request.params.id);
      return { sync: await channelHealth(db, settings, channel) };
    },
  });

  app.route({
    ...contractRoute(routes.listSyncHealth),
    handler: async (request) => {
      const member = await requireMember(request, auth, database);
      return { channels: await orgHealth(db, settings, member.orgId) };
    },
  });

  /**
   * "Check now": a delta round as soon as a worker is free. A sync already waiting for the channel
   * is enough (one throttled by Graph keeps its Retry-After); the queue's policy lets only one of two
   * simultaneous clicks queue one.
   */
  app.route({
    ...contractRoute(routes.checkNow),
    handler: async (request, reply) => {
      const member = await requireMember(request, auth, database, { roles: ADMINS });
      const { id } = request.params;
      const channel = await findChannel(db, member.orgId, id);
      if (channel.status !== "connected")
        throw conflict("Reconnect this channel first: Mailroom can't check its mail until it's reconnected");
      const queued = await queueSyncOnce(queue, channel.id);
      request.log.info({ orgId: member.orgId, channelId: channel.id, queued }, "manual sync requested");
      await publishHealthChanged(events, { orgId: member.orgId, channelId: channel.id });
      return reply.status(202).send({ queued });
    },
  });
};

/**
 * Queues a manual sync unless one is already waiting: `sync-channel` is a stately queue, so a
 * second job for the same channel key is refused (null) while one waits.
 */
async function queueSyncOnce(queue: JobQueue, channelId: string): Promise<boolean> {
  const id = await sendSyncChannel(queue, { channelId, reason: "manual" }, { singletonKey: channelId });
  return id !== null;
}
