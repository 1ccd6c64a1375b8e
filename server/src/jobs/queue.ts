import { fromPglite, PgBoss, type QueuePolicy } from "pg-boss";
import type { Database } from "../db/client.ts";
import type { Logger } from "../log.ts";

/**
 * The one job queue: pg-boss on the same database, natively on PGlite in embedded mode.
 * Jobs are defined by their module (`JobDefinition`) and registered here; the web role only
 * sends, the worker role also works.
 */
export interface JobDefinition<T extends object = object> {
  name: string;
  /** Parallel jobs of this kind per worker process. */
  concurrency?: number;
  retryLimit?: number;
  /** Cron expression (UTC) for recurring jobs; pg-boss runs each occurrence once across the cluster. */
  schedule?: string;
  /**
   * Sent each time a worker process starts (`work`), due `afterSeconds` later, under the job's name
   * as singletonKey: with the `stately` policy (one waiting job per key), workers starting within
   * that window queue it once.
   */
  runAtStart?: { afterSeconds: number };
  /**
   * pg-boss queue policy. `stately` + a singletonKey = at most one waiting and one running job per
   * key (one pending sync per channel); the default `standard` ignores singletonKey.
   */
  policy?: QueuePolicy;
  /**
   * Workers send a heartbeat this often (pg-boss does it); a job whose worker died is failed and
   * retried once it misses one, instead of staying active until it expires.
   */
  heartbeatSeconds?: number;
  /**
   * How long finished jobs stay in the table (pg-boss: 7 days). Jobs that are hints, sent by the
   * thousand (a sweep is one per channel every 15 minutes), keep an hour for debugging.
   */
  keepDoneSeconds?: number;
  /** `signal` aborts when the job is taken away (shutdown past its grace, expiry): stop at the next step. */
  handler(data: T, meta: { jobId: string; signal?: AbortSignal }): Promise<void>;
}

export interface JobQueue {
  boss: PgBoss;
  send<T extends object>(
    name: string,
    data: T,
    options?: { singletonKey?: string; startAfterSeconds?: number },
  ): Promise<string | null>;
  /** Many jobs of one kind in one insert; a job whose singleton is already waiting is skipped. */
  sendMany<T extends object>(name: string, jobs: { data: T; singletonKey?: string }[]): Promise<void>;
  /** Starts working every registered job (worker role). */
  work(definitions: JobDefinition[]): Promise<void>;
  /** Stops taking new jobs and waits up to `graceSeconds` for running ones. */
  stop(graceSeconds: number): Promise<void>;
}

/**
 * The supervisor passes (job expiry, missed heartbeats) every 5 s instead of pg-boss's 60 s, so a
 * job whose worker died (a send mid-way, a sync round) is retried within seconds of its missed
 * heartbeat: one small query per pass, run by one process at a time.
 */
const COMMON = {
  schema: "pgboss",
  useListenNotify: true,
  superviseIntervalSeconds: 5,
  monitorIntervalSeconds: 15,
  // The queue stats behind `burstWhenReadyExceeds` (see `work`) are at most this old, plus the monitor's.
  queueCacheIntervalSeconds: 15,
} as const;

export async function createJobQueue(
  database: Database,
  logger: Logger,
  definitions: JobDefinition[],
): Promise<JobQueue> {
  const boss =
    database.kind === "pglite"
      ? new PgBoss({
          db: fromPglite(database.pglite!),
          backend: "pglite",
          ...COMMON,
        })
      : new PgBoss({ connectionString: database.url!, max: 4, ...COMMON });
  boss.on("error", (err: unknown) => logger.error({ err }, "job queue error"));
  await boss.start();
  for (const def of definitions) {
    await ensureQueue(boss, def, logger);
    if (def.schedule) await boss.schedule(def.name, def.schedule, {});
  }

  return {
    boss,
    send: (name, data, options = {}) =>
      boss.send(name, data, {
        ...(options.singletonKey ? { singletonKey: options.singletonKey } : {}),
        ...(options.startAfterSeconds ? { startAfter: options.startAfterSeconds } : {}),
      }),
    async sendMany(name, jobs) {
      if (jobs.length === 0) return;
      await boss.insert(
        name,
        jobs.map((job) => ({
          data: job.data,
          ...(job.singletonKey ? { singletonKey: job.singletonKey } : {}),
        })),
      );
    },
    async work(defs) {
      for (const def of defs) {
        await boss.work<object>(
          def.name,
          {
            localConcurrency: def.concurrency ?? 1,
            pollingIntervalSeconds: 1,
            // Polling remains for jobs that become due later (startAfter: retries, catch-ups).
            notifyPollingIntervalSeconds: 2,
            // A backlog (a sweep queues one sync per channel; a restart, every connect's upkeep) is
            // worked without pauses: a NOTIFY wakes a worker once, and after its job it would
            // otherwise wait out the poll before taking the next.
            burstWhenReadyExceeds: 1,
          },
          async (jobs) => {
            for (const job of jobs) {
              const log = logger.child({ job: def.name, jobId: job.id });
              log.debug("job started");
              await def.handler(job.data, { jobId: job.id, signal: job.signal });
              log.debug("job done");
            }
          },
        );
      }
      logger.info({ jobs: defs.map((d) => d.name) }, "workers started");
      for (const def of defs)
        if (def.runAtStart)
          await boss.send(def.name, {}, { singletonKey: def.name, startAfter: def.runAtStart.afterSeconds });
    },
    async stop(graceSeconds) {
      await boss.stop({ graceful: true, timeout: graceSeconds * 1000, close: true });
    },
  };
}

/**
 * Creates the queue, or brings an existing one to the definition's policy and heartbeat. pg-boss
 * can't change either in place, so a queue created with another policy (by an older release) is dropped
 * and created again — only for definitions that name a policy, whose jobs are hints (a sync the
 * sweep repeats anyway), never for queues whose jobs carry work that exists nowhere else.
 */
async function ensureQueue(boss: PgBoss, def: JobDefinition, logger: Logger): Promise<void> {
  const options = {
    retryLimit: def.retryLimit ?? 5,
    retryBackoff: true,
    policy: def.policy ?? "standard",
    // A new job wakes an idle worker at once (LISTEN/NOTIFY) instead of at its next poll: with
    // polling alone each worker slot takes about one job a second, a backlog's pace.
    notify: true,
    ...(def.heartbeatSeconds ? { heartbeatSeconds: def.heartbeatSeconds } : {}),
    ...(def.keepDoneSeconds ? { deleteAfterSeconds: def.keepDoneSeconds } : {}),
  };
  const existing = await boss.getQueue(def.name);
  if (
    existing &&
    (!existing.notify || (def.keepDoneSeconds && existing.deleteAfterSeconds !== def.keepDoneSeconds))
  )
    await boss.updateQueue(def.name, {
      notify: true,
      ...(def.keepDoneSeconds ? { deleteAfterSeconds: def.keepDoneSeconds } : {}),
    });
  const differs =
    existing !== null &&
    def.policy !== undefined &&
    (existing.policy !== def.policy ||
      (existing.heartbeatSeconds ?? null) !== (def.heartbeatSeconds ?? null));
  if (differs) {
    logger.warn({ queue: def.name, policy: def.policy }, "recreating queue with its policy and heartbeat");
    await boss.deleteQueue(def.name);
  } else if (existing) return;
  await boss.createQueue(def.name, options).catch((err: unknown) => {
    // Two processes starting together both try to create it; the loser's error is harmless.
    logger.debug({ err, queue: def.name }, "createQueue");
  });
}
