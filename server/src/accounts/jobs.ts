import { inArray, lt } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import type { JobDefinition } from "../jobs/queue.ts";
import type { Logger } from "../log.ts";
import { invitation, rateLimit, session, verification } from "./schema.ts";

const BATCH = 1000;
/** At most this many batches per table per run; the hourly schedule picks up the rest. */
const MAX_BATCHES = 50;
const DAY_MS = 24 * 60 * 60 * 1000;
/** Expired invitations stay this long, so "this invitation has expired" still shows for a while. */
const INVITATION_KEEP_MS = 30 * DAY_MS;
/** Longer than any rate-limit window we configure. */
const RATE_LIMIT_KEEP_MS = DAY_MS;

export function accountJobs({ database, logger }: { database: Database; logger: Logger }): JobDefinition[] {
  return [
    {
      name: "purge-expired-auth-records",
      schedule: "17 * * * *",
      handler: async () => {
        const deleted = await purgeExpiredAuthRecords(database, new Date());
        logger.info({ job: "purge-expired-auth-records", deleted }, "purged expired auth records");
      },
    },
  ];
}

/** Deletes expired sessions and verifications, stale rate-limit rows and long-expired invitations. */
export async function purgeExpiredAuthRecords(database: Database, now: Date) {
  const { db } = database;
  const invitationCutoff = new Date(now.getTime() - INVITATION_KEEP_MS);
  const rateLimitCutoff = now.getTime() - RATE_LIMIT_KEEP_MS;
  return {
    sessions: await drain(() =>
      db
        .delete(session)
        .where(
          inArray(
            session.id,
            db.select({ id: session.id }).from(session).where(lt(session.expiresAt, now)).limit(BATCH),
          ),
        )
        .returning({ id: session.id }),
    ),
    verifications: await drain(() =>
      db
        .delete(verification)
        .where(
          inArray(
            verification.id,
            db
              .select({ id: verification.id })
              .from(verification)
              .where(lt(verification.expiresAt, now))
              .limit(BATCH),
          ),
        )
        .returning({ id: verification.id }),
    ),
    rateLimits: await drain(() =>
      db
        .delete(rateLimit)
        .where(
          inArray(
            rateLimit.id,
            db
              .select({ id: rateLimit.id })
              .from(rateLimit)
              .where(lt(rateLimit.lastRequest, rateLimitCutoff))
              .limit(BATCH),
          ),
        )
        .returning({ id: rateLimit.id }),
    ),
    invitations: await drain(() =>
      db
        .delete(invitation)
        .where(
          inArray(
            invitation.id,
            db
              .select({ id: invitation.id })
              .from(invitation)
              .where(lt(invitation.expiresAt, invitationCutoff))
              .limit(BATCH),
          ),
        )
        .returning({ id: invitation.id }),
    ),
  };
}

/** Runs a bounded delete until a batch comes back short (or the per-run cap is hit); returns the count. */
async function drain(deleteBatch: () => Promise<unknown[]>): Promise<number> {
  let total = 0;
  for (let i = 0; i < MAX_BATCHES; i++) {
    const deleted = await deleteBatch();
    total += deleted.length;
    if (deleted.length < BATCH) break;
  }
  return total;
}
