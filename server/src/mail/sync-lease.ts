import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { syncLeases } from "./schema.ts";

/**
 * Takes the channel's sync lease for `holder`, or returns false while another holder's lease is
 * unexpired. One atomic statement: the insert wins for a new channel, the conditional update for
 * an expired lease, and a live lease makes the update match nothing — so two workers racing on
 * Postgres can't both get it. A worker that dies loses its lease when it expires.
 */
export async function takeSyncLease(
  db: Db,
  channelId: string,
  holder: string,
  ttlMs: number,
): Promise<boolean> {
  const expiresAt = sql`now() + make_interval(secs => ${ttlMs / 1000})`;
  const rows = await db
    .insert(syncLeases)
    .values({ channelId, holder, expiresAt })
    .onConflictDoUpdate({
      target: syncLeases.channelId,
      set: { holder, expiresAt },
      setWhere: sql`${syncLeases.expiresAt} < now()`,
    })
    .returning({ holder: syncLeases.holder });
  return rows.length === 1;
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
