import type { FastifyInstance } from "fastify";
import { createAuth } from "./accounts/auth.ts";
import { accountJobs } from "./accounts/jobs.ts";
import { channelJobs } from "./channels/secret-reminders.ts";
import type { Config } from "./config.ts";
import { createSecretBox, loadSecretKeys, type SecretBox } from "./crypto/secret-box.ts";
import { type Database, openDatabase } from "./db/client.ts";
import { runMigrations } from "./db/migrate.ts";
import type { EventBus } from "./events/bus.ts";
import { createPgEventBus } from "./events/pg-bus.ts";
import { createHttpApp } from "./http/app.ts";
import { type HealthPort, startHealthPort } from "./http/health-port.ts";
import { bulkActionJobs } from "./inbox/actions/bulk-job.ts";
import { createJobQueue, type JobDefinition, type JobQueue } from "./jobs/queue.ts";
import { createLogger, type Logger } from "./log.ts";
import { outboxJobs } from "./outbox/outbox-jobs.ts";
import type { SendHooks } from "./outbox/run-send.ts";
import { syncJobs } from "./sync/jobs.ts";

export interface Mailroom {
  config: Config;
  logger: Logger;
  database: Database;
  secretBox: SecretBox;
  events: EventBus;
  queue: JobQueue;
  /** Present for the web and all roles. */
  app?: FastifyInstance;
  /** Where the HTTP server listens (web and all roles). */
  url?: string;
  /** Where HEALTH_PORT's `/healthz` listens, when set. */
  healthUrl?: string;
  /** Graceful: stops accepting, finishes in-flight requests and jobs, then closes the database. */
  close(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  /** An already-open database (tests share one); closed by the caller, not by close(). */
  database?: Database;
  /** Called between the steps of each send (the crash test kills a worker there). */
  sendHooks?: SendHooks;
}

/** config → db → queue → http and/or workers, by role. */
export async function startMailroom(config: Config, options: StartOptions = {}): Promise<Mailroom> {
  const logger = options.logger ?? createLogger(config);
  const database =
    options.database ?? (await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir }));
  const ownsDatabase = !options.database;
  await runMigrations(database);
  const secretBox = createSecretBox(loadSecretKeys({ secretKey: config.secretKey, dataDir: config.dataDir }));
  const events = await createPgEventBus(database, logger);
  const auth = createAuth({ config, database, logger });

  const syncDeps = { config, db: database.db, box: secretBox, events, logger };
  const jobs: JobDefinition[] = [
    ...accountJobs({ database, logger }),
    ...channelJobs({ db: database.db, events, config, logger }),
    // The queue is created from these definitions; jobs only reach for it once it runs.
    ...syncJobs({ ...syncDeps, queue: () => queue }),
    ...bulkActionJobs(syncDeps),
    ...outboxJobs({ ...syncDeps, queue: () => queue }, options.sendHooks),
  ];
  const queue = await createJobQueue(database, logger, jobs);
  if (config.role !== "web") await queue.work(jobs);

  let app: FastifyInstance | undefined;
  let url: string | undefined;
  if (config.role !== "worker") {
    app = await createHttpApp({ config, logger, database, auth, events, secretBox, queue });
    url = await app.listen({ port: config.port, host: config.host });
    logger.info(
      { url, publicUrl: config.publicUrl, role: config.role, database: database.kind },
      "Mailroom is up",
    );
  }

  let closing: Promise<void> | undefined;
  let health: HealthPort | undefined;
  if (config.healthPort !== undefined) {
    const healthDeps = { database, queue, role: config.role, closing: () => closing !== undefined };
    health = await startHealthPort({ port: config.healthPort, host: config.host, logger }, healthDeps);
  }

  const close = () =>
    (closing ??= (async () => {
      // The health port answers 503 while draining, and goes away last.
      await app?.close();
      await queue.stop(config.shutdownGraceSeconds);
      await events.close();
      if (ownsDatabase) await database.close();
      await health?.close();
    })());

  return { config, logger, database, secretBox, events, queue, app, url, healthUrl: health?.url, close };
}
