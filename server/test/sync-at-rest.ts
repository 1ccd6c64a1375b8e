import { eq, sql } from "drizzle-orm";
import type { Db } from "../src/db/client.ts";
import { syncLeases } from "../src/sync/delta/schema.ts";
import { MAX_NOTIFIED_SYNC_HOLD_MS } from "../src/sync/intake/flush-plan.ts";
import { waitFor } from "./wait-for.ts";

/**
 * The channel's sync at rest: no sync or subscription-upkeep job running or due within seconds (a
 * sweep's job spread minutes ahead is not in the way; a new subscription's catch-up sync, due
 * 6 s after it, is), no catch-up at start still to come (the server's own, queued 10 s after it
 * started, and its rounds, which wait for a held lease to lapse), and the channel's lease free —
 * for longer than intake may hold a notification before queueing its sync, so one that arrived
 * just before doesn't start a run after this returns.
 */
export async function syncAtRest(db: Db, channelId: string, timeoutMs = 90_000): Promise<void> {
  const atRest = async () => {
    const jobs = await db.execute<{ n: number }>(
      sql`select count(*)::int as n from pgboss.job
          where (name in ('sync-channel', 'subscription-upkeep')
            and (state = 'active' or (state in ('created', 'retry') and start_after < now() + interval '10 seconds')))
            or (state in ('created', 'retry', 'active')
              and (name = 'sync-catch-up' or (name = 'sync-channel' and singleton_key like 'catch-up:%')))`,
    );
    const leases = await db.select().from(syncLeases).where(eq(syncLeases.channelId, channelId));
    return jobs.rows[0]!.n === 0 && leases.length === 0;
  };
  let since: number | undefined;
  await waitFor(
    async () => {
      if (!(await atRest())) since = undefined;
      else since ??= Date.now();
      return since !== undefined && Date.now() - since > MAX_NOTIFIED_SYNC_HOLD_MS;
    },
    { what: "background syncs to settle", timeoutMs, intervalMs: 50 },
  );
}
