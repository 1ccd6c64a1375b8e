import type { FastifyPluginAsync } from "fastify";
import type { Auth } from "../accounts/auth.ts";
import type { Config } from "../config.ts";
import type { SecretBox } from "../crypto/secret-box.ts";
import type { Database } from "../db/client.ts";
import type { EventBus } from "../events/bus.ts";
import type { JobQueue } from "../jobs/queue.ts";
import type { Logger } from "../log.ts";
import { backfillRoutes } from "./backfill/backfill-routes.ts";
import { healthRoutes } from "./health/health-routes.ts";

export interface SyncRoutesOptions {
  config: Config;
  logger: Logger;
  auth: Auth;
  database: Database;
  events: EventBus;
  secretBox: SecretBox;
  queue: JobQueue;
}

/** The sync pages' API (Graph's webhook intake is mounted apart, outside the browser stack: app.ts). */
export const syncRoutes: FastifyPluginAsync<SyncRoutesOptions> = async (app, options) => {
  await app.register(healthRoutes, options);
  await app.register(backfillRoutes, options);
};
