import { and, eq, lt, sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { syncLeases } from "./schema.ts";

/** A worker that dies mid-run blocks its channel for at most this long. */
export const SYNC_LEASE_MS = 30_000;
/** A run renews its lease this often while it works, so only a dead worker's lease lapses. */
export const SYNC_LEASE_RENEW_MS = 10_000;

/**
 * Takes the channel's sync lease for `holder`, or — while another holder's lease is unexpired —
 * leaves that holder a note (`rerun`) to run one more round before letting go, and returns false.
 * One atomic statement: the insert wins for a new channel, the conditional update takes an expired
 * lease, and against a live lease the same update only raises `rerun`. Two workers racing on
 * Postgres can't both get it, and a sync asked for while one runs is never lost. A worker that dies
 * loses its lease when it expires.
 */
export async function takeSyncLease(
  db: Db,
  channelId: string,
  holder: string,
  ttlMs: number,
): Promise<boolean> {
  const expiresAt = sql`now() + make_interval(secs => ${ttlMs / 1000})`;
  const expired = sql`${syncLeases.expiresAt} < now()`;
  const rows = await db
    .insert(syncLeases)
    .values({ channelId, holder, expiresAt, rerun: false })
    .onConflictDoUpdate({
      target: syncLeases.channelId,
      set: {
        holder: sql`case when ${expired} then excluded.holder else ${syncLeases.holder} end`,
        expiresAt: sql`case when ${expired} then excluded.expires_at else ${syncLeases.expiresAt} end`,
        rerun: sql`not ${expired}`,
      },
    })
    .returning({ holder: syncLeases.holder });
  return rows[0]?.holder === holder;
}

/**
 * The holder's end of a round: gives the lease back unless someone asked for another round
 * meanwhile. "released" — done; "rerun" — the note was there: it is cleared, the lease extended,
 * and the caller runs another round; "lost" — the lease expired and another worker has it.
 * The delete only matches `rerun = false`, so a note written after our check can't be lost.
 */
export async function finishSyncRound(
  db: Db,
  channelId: string,
  holder: string,
  ttlMs: number,
): Promise<"released" | "rerun" | "lost"> {
  const mine = and(eq(syncLeases.channelId, channelId), eq(syncLeases.holder, holder));
  const deleted = await db
    .delete(syncLeases)
    .where(and(mine, eq(syncLeases.rerun, false)))
    .returning({ holder: syncLeases.holder });
  if (deleted.length === 1) return "released";
  const kept = await db
    .update(syncLeases)
    .set({ rerun: false, expiresAt: sql`now() + make_interval(secs => ${ttlMs / 1000})` })
    .where(mine)
    .returning({ holder: syncLeases.holder });
  return kept.length === 1 ? "rerun" : "lost";
}

/** Gives the lease back early; only its holder can (an expired-and-retaken lease is not ours). */
export async function releaseSyncLease(db: Db, channelId: string, holder: string): Promise<void> {
  await db.delete(syncLeases).where(and(eq(syncLeases.channelId, channelId), eq(syncLeases.holder, holder)));
}

/** Pushes the holder's lease forward, so a long initial sync keeps it; false if it was lost. */
export async function extendSyncLease(
  db: Db,
  channelId: string,
  holder: string,
  ttlMs: number,
): Promise<boolean> {
  const rows = await db
    .update(syncLeases)
    .set({ expiresAt: sql`now() + make_interval(secs => ${ttlMs / 1000})` })
    .where(and(eq(syncLeases.channelId, channelId), eq(syncLeases.holder, holder)))
    .returning({ holder: syncLeases.holder });
  return rows.length === 1;
}

/**
 * Deletes the leases whose holder stopped renewing them (its process died mid-run) and returns
 * their channels: a sync asked for meanwhile only left a note on the dead lease.
 */
export async function deleteExpiredLeases(db: Db): Promise<string[]> {
  const rows = await db
    .delete(syncLeases)
    .where(lt(syncLeases.expiresAt, sql`now()`))
    .returning({ channelId: syncLeases.channelId });
  return rows.map((r) => r.channelId);
}

/** Seconds until each held lease expires (negative once expired), for the channels that hold one. */
export async function leaseExpiries(db: Db): Promise<Map<string, number>> {
  const rows = await db
    .select({
      channelId: syncLeases.channelId,
      inSeconds: sql<number>`extract(epoch from ${syncLeases.expiresAt} - now())::float8`,
    })
    .from(syncLeases);
  return new Map(rows.map((r) => [r.channelId, Number(r.inSeconds)]));
}
