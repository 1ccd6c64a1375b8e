import { randomUUID } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { heldSlots, type RequestLimiter } from "../microsoft/request-limiter.ts";
import { graphRequestSlots } from "./schema.ts";

/**
 * The cluster-wide "at most 4 concurrent Graph requests per mailbox" (Outlook's MailboxConcurrency
 * limit, https://learn.microsoft.com/graph/throttling-limits#outlook-service-limits) on the
 * `graph_request_slots` table: each in-flight request holds one of the channel's slots 0–3. Taking
 * slots is one statement and giving them back another, so the limit costs two round trips per
 * request and holds across every process on the database. A live holder renews its lease every
 * few seconds, however long it holds (a download streamed to the browser, a series of batches);
 * a holder that dies — a worker killed mid-request — frees its slots once the lease runs out, so
 * the mailbox is not stalled for long. Why rows and not advisory locks: ADR 010.
 */
export const SLOTS_PER_MAILBOX = 4;
export const SLOT_LEASE_SECONDS = 20;
/** How often a holder renews its lease: a few renewals fit in one lease, so a slow one is harmless. */
export const SLOT_RENEW_MS = 5_000;
/** How long a request waits for a slot by default before it fails like a timeout. */
const MAX_WAIT_MS = 120_000;

export interface GraphSlotsOptions {
  /** Give up waiting for a slot after this long (the request then fails like a timeout). */
  maxWaitMs?: number;
  /** Names the holder in the table (for debugging); a random id is appended per acquisition. */
  holderPrefix?: string;
}

export class GraphSlotTimeout extends Error {
  override name = "GraphSlotTimeout";
}

/** Takes `count` free (or expired) slots for `holder`, all or nothing; returns whether it did. */
export async function takeGraphSlots(db: Db, channelId: string, holder: string, count = 1): Promise<boolean> {
  const wanted = Math.max(1, Math.min(count, SLOTS_PER_MAILBOX));
  const t = graphRequestSlots;
  // Concurrent takers racing for one free slot both insert it; the loser's insert meets the
  // winner's row and its conditional update (only over an expired lease) matches nothing. One slot
  // is picked at random (takers spread out); several are taken in slot order, so two takers lock
  // rows in the same order and one waits for the other instead of deadlocking (seen on Postgres).
  const result = await db.execute<{ slot: number }>(sql`
    insert into ${t} (channel_id, slot, holder, expires_at)
    select ${channelId}, s.slot, ${holder}, now() + make_interval(secs => ${SLOT_LEASE_SECONDS})
    from generate_series(0, ${SLOTS_PER_MAILBOX - 1}) as s(slot)
    where not exists (
      select 1 from ${t} g where g.channel_id = ${channelId} and g.slot = s.slot and g.expires_at >= now()
    )
    order by ${wanted > 1 ? sql`s.slot` : sql`random()`}
    limit ${wanted}
    on conflict (channel_id, slot) do update
      set holder = excluded.holder, expires_at = excluded.expires_at
      where ${t}.expires_at < now()
    returning slot`);
  if (result.rows.length === wanted) return true;
  if (result.rows.length > 0) await releaseGraphSlots(db, channelId, holder);
  return false;
}

/** Extends the lease of the slots `holder` has (a live holder says it is still there). */
export async function renewGraphSlots(db: Db, channelId: string, holder: string): Promise<void> {
  await db
    .update(graphRequestSlots)
    .set({ expiresAt: sql`now() + make_interval(secs => ${SLOT_LEASE_SECONDS})` })
    .where(and(eq(graphRequestSlots.channelId, channelId), eq(graphRequestSlots.holder, holder)));
}

export async function releaseGraphSlots(db: Db, channelId: string, holder: string): Promise<void> {
  await db
    .delete(graphRequestSlots)
    .where(and(eq(graphRequestSlots.channelId, channelId), eq(graphRequestSlots.holder, holder)));
}

/**
 * Waits for `weight` of the channel's slots and returns their release. When every slot is taken it
 * retries with a short backoff and jitter (15–250 ms), so waiting requests neither hammer the
 * database nor line up. For work that outlives a call — a download streamed to the browser holds
 * its slot until the last byte — use this directly; otherwise `graphSlots(...).run`.
 */
export async function acquireGraphSlots(
  db: Db,
  channelId: string,
  options: GraphSlotsOptions & { weight?: number } = {},
): Promise<() => Promise<void>> {
  const maxWaitMs = options.maxWaitMs ?? MAX_WAIT_MS;
  const holder = `${options.holderPrefix ?? "graph"}:${randomUUID()}`;
  const deadline = Date.now() + maxWaitMs;
  for (let attempt = 0; !(await takeGraphSlots(db, channelId, holder, options.weight ?? 1)); attempt++) {
    if (Date.now() > deadline)
      throw new GraphSlotTimeout(`No Graph request slot for the mailbox within ${maxWaitMs} ms`);
    const ceiling = Math.min(250, 15 * 2 ** Math.min(attempt, 4));
    await new Promise((r) => setTimeout(r, ceiling / 2 + Math.random() * (ceiling / 2)));
  }
  // A renewal that fails (the database away for a moment) is tried again at the next tick; if the
  // lease runs out meanwhile, another holder may take the slot and Outlook's 429 is handled as usual.
  const renewal = setInterval(() => {
    renewGraphSlots(db, channelId, holder).catch(() => {});
  }, SLOT_RENEW_MS);
  renewal.unref();
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    clearInterval(renewal);
    await releaseGraphSlots(db, channelId, holder);
  };
}

/**
 * The limiter for one channel's Graph client: each request runs holding its slots; `hold` keeps
 * slots for a series of requests (up to all of the mailbox's).
 */
export function graphSlots(db: Db, channelId: string, options: GraphSlotsOptions = {}): RequestLimiter {
  const holding = async <T>(weight: number, fn: () => Promise<T>) => {
    const release = await acquireGraphSlots(db, channelId, { ...options, weight });
    try {
      return await fn();
    } finally {
      await release();
    }
  };
  return {
    run: (fn, weight = 1) => holding(weight, fn),
    hold: (weight, fn) => {
      const count = Math.max(1, Math.min(weight, SLOTS_PER_MAILBOX));
      return holding(count, () => fn(heldSlots(count)));
    },
  };
}
