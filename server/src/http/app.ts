import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import cookie from "@fastify/cookie";
import fastifyStatic from "@fastify/static";
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import { serializerCompiler, validatorCompiler } from "fastify-type-provider-zod";
import type { Auth } from "../accounts/auth.ts";
import { accountsRoutes } from "../accounts/routes.ts";
import type { ChannelHooks } from "../channels/channels-options.ts";
import { channelsRoutes } from "../channels/routes.ts";
import type { Config } from "../config.ts";
import type { SecretBox } from "../crypto/secret-box.ts";
import type { Database } from "../db/client.ts";
import type { EventBus } from "../events/bus.ts";
import { inboxRoutes } from "../inbox/routes.ts";
import type { JobQueue } from "../jobs/queue.ts";
import type { Logger } from "../log.ts";
import { outboxRoutes } from "../outbox/outbox-routes.ts";
import { resumeAfterReconnect } from "../outbox/resume-after-reconnect.ts";
import { channelSyncHooks } from "../sync/channel-hooks.ts";
import { syncStatus } from "../sync/health/sync-status.ts";
import { webhookRoutes } from "../sync/intake/webhook-routes.ts";
import { syncRoutes } from "../sync/routes.ts";
import { registerCsrf } from "./csrf.ts";
import { eventsRoute } from "./events-route.ts";
import { frameworkErrors, registerInputGuard } from "./input-guard.ts";
import { registerProblemHandler } from "./problem.ts";
import { recordRoutes } from "./route-list.ts";
import { registerSecurityHeaders } from "./security-headers.ts";

export interface HttpDeps {
  config: Config;
  logger: Logger;
  database: Database;
  auth: Auth;
  events: EventBus;
  secretBox: SecretBox;
  /** Where routes send jobs; without it (bare tests) the webhook routes are not mounted. */
  queue?: JobQueue;
}

const webDist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../web/dist");

/** Builds the Fastify app: cross-cutting plugins first, then each module's routes. */
export async function createHttpApp(deps: HttpDeps): Promise<FastifyInstance> {
  const { config } = deps;
  const app = Fastify({
    // Typed as Fastify's base logger so module plugins need not carry pino's logger generic.
    loggerInstance: deps.logger as FastifyBaseLogger,
    genReqId: () => crypto.randomUUID(),
    requestIdHeader: false,
    trustProxy: config.trustProxy,
    bodyLimit: 1024 * 1024,
    frameworkErrors,
  });
  recordRoutes(app);
  registerInputGuard(app);
  // Graceful shutdown: requests in flight when close() starts still finish, and their responses
  // end the keep-alive connection so close() need not wait for Fastify's 72 s keep-alive timeout.
  let closing = false;
  app.addHook("preClose", async () => {
    closing = true;
  });
  app.addHook("onSend", async (request, reply) => {
    reply.header("x-request-id", request.id);
    if (closing) reply.header("connection", "close");
  });

  registerProblemHandler(app);
  // Routes declare zod schemas (from @mailroom/contract): requests are validated and responses
  // serialized with them, so an answer carries exactly the fields its schema names (ADR 013).
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // Graph's webhook and lifecycle intake: machine to machine, no cookies, no HTML, so none of the
  // browser stack below runs for it — a storm of notifications pays only for what intake does.
  if (deps.queue) {
    await app.register(webhookRoutes, { db: deps.database.db, box: deps.secretBox, queue: deps.queue });
  }
  await app.register(async (web) => browserApp(web, deps));
  return app;
}

/** Everything the browser talks to: security headers, cookies and CSRF checks, then each module. */
async function browserApp(app: FastifyInstance, deps: HttpDeps) {
  const { config } = deps;
  const devOrigins = config.allowedOrigins.filter((o) => o !== new URL(config.publicUrl).origin);
  await registerSecurityHeaders(app, { devOrigins });
  await app.register(cookie);
  registerCsrf(app, {
    allowedOrigins: config.allowedOrigins,
    secureCookies: config.secureCookies,
  });

  app.get("/healthz", async (_request, reply) => {
    try {
      await deps.database.db.execute("select 1");
      return { status: "ok", database: deps.database.kind, role: config.role };
    } catch {
      return reply.status(503).send({ status: "unavailable", database: deps.database.kind });
    }
  });

  await app.register(accountsRoutes, {
    auth: deps.auth,
    database: deps.database,
    config,
    events: deps.events,
  });
  await app.register(channelsRoutes, {
    auth: deps.auth,
    database: deps.database,
    config,
    events: deps.events,
    secretBox: deps.secretBox,
    hooks: withOutboxResume(channelSyncHooks(deps), deps),
  });
  if (deps.queue) {
    await app.register(syncRoutes, { ...deps, queue: deps.queue });
  }
  await app.register(inboxRoutes, {
    auth: deps.auth,
    database: deps.database,
    events: deps.events,
    config,
    secretBox: deps.secretBox,
    logger: deps.logger,
    syncStatus: syncStatus(deps.database.db),
    queue: deps.queue,
  });
  if (deps.queue) {
    const { queue } = deps;
    await app.register(outboxRoutes, {
      auth: deps.auth,
      database: deps.database,
      db: deps.database.db,
      events: deps.events,
      config,
      box: deps.secretBox,
      logger: deps.logger,
      queue,
    });
  }
  await app.register(eventsRoute, { auth: deps.auth, database: deps.database, events: deps.events });

  await registerWeb(app);
}

/** The built SPA, with index.html for every client-side route. */
async function registerWeb(app: FastifyInstance) {
  const index = path.join(webDist, "index.html");
  if (!fs.existsSync(index)) {
    app.log.warn("web/dist is missing: run `npm run build -w web` (npm start does this for you)");
    return;
  }
  await app.register(fastifyStatic, { root: webDist, wildcard: false, index: false });
  app.get("/*", (request, reply) => {
    if (request.url.startsWith("/api/")) return reply.callNotFound();
    return reply.header("cache-control", "no-cache").sendFile("index.html");
  });
}

/**
 * A channel's hooks with the outbox's part: after a reconnect, what the broken sign-in stopped
 * goes out (issue 12). Sync's hooks run first, so the catch-up round is queued before the sends.
 */
function withOutboxResume(hooks: ChannelHooks, deps: HttpDeps): ChannelHooks {
  return {
    ...hooks,
    async connected(channelId, info) {
      await hooks.connected(channelId, info);
      if (!info.reconnected || !deps.queue) return;
      const resumed = await resumeAfterReconnect(
        { db: deps.database.db, events: deps.events, queue: deps.queue },
        channelId,
      );
      if (resumed) deps.logger.info({ channelId, resumed }, "outbox resumed after reconnect");
    },
  };
}
