/**
 * When intake hands notified syncs to the queue (notified-syncs.ts runs it; this is the decision,
 * pure). A quiet spell's first notification goes out a few milliseconds later (others arriving
 * meanwhile ride along); after that at most one flush per FLUSH_INTERVAL_MS carries every channel
 * that is due. A channel is due again CHANNEL_INTERVAL_MS after its last send, or
 * STORM_INTERVAL_MS when that send carried STORM_NOTIFICATIONS or more: during a storm one delta
 * run covers many notifications instead of running back to back, while a trickle goes out at once.
 * Channels due before the next flush go with this one, so under a storm they fall into waves:
 * fewer flushes (each waking the workers) for the same syncs. ADR 010, decision 7.
 */

/** After a quiet spell, notified syncs are queued this soon (others arriving meanwhile ride along)… */
export const COALESCE_MS = 5;
/** …and then at most once this often, for every channel that is due… */
export const FLUSH_INTERVAL_MS = 100;
/** …a channel being due again this long after its last send… */
export const CHANNEL_INTERVAL_MS = 500;
/** …or this long when that send carried a storm (this many notifications or more). */
export const STORM_INTERVAL_MS = 2_000;
export const STORM_NOTIFICATIONS = 50;
/** The longest a notification waits in intake before its sync is queued. */
export const MAX_NOTIFIED_SYNC_HOLD_MS = STORM_INTERVAL_MS + FLUSH_INTERVAL_MS;

/** A channel's last send: when, and whether it carried a storm. */
export interface LastSend {
  at: number;
  storm: boolean;
}

export interface FlushState {
  /** Channels with notifications waiting, and how many each has. */
  pending: ReadonlyMap<string, { notifications: number }>;
  lastSent: Pick<ReadonlyMap<string, LastSend>, "get">;
  /** When the last flush ran (0: never). */
  lastFlush: number;
}

export interface FlushPlan {
  /** Channels whose syncs go now, with the send to remember for each. */
  send: Map<string, LastSend>;
  /** When the flush after this one is due, for what stays pending; undefined when nothing does. */
  nextFlushAt: number | undefined;
}

/** When a channel may be sent again (0: at once). */
export function dueAt(last: LastSend | undefined): number {
  return last ? last.at + (last.storm ? STORM_INTERVAL_MS : CHANNEL_INTERVAL_MS) : 0;
}

/** When the next flush should run, or undefined when nothing is pending. */
export function nextFlushAt(state: FlushState, now: number): number | undefined {
  if (state.pending.size === 0) return undefined;
  let due = Number.POSITIVE_INFINITY;
  for (const channelId of state.pending.keys()) due = Math.min(due, dueAt(state.lastSent.get(channelId)));
  return Math.max(due, state.lastFlush + FLUSH_INTERVAL_MS, now + COALESCE_MS);
}

/**
 * A flush at `now`: the channels due before the next flush could run (all of them when `all`, as
 * on shutdown), and when the following flush is due for the rest.
 */
export function planFlush(state: FlushState, now: number, { all = false } = {}): FlushPlan {
  const send = new Map<string, LastSend>();
  for (const [channelId, { notifications }] of state.pending) {
    if (!all && dueAt(state.lastSent.get(channelId)) - FLUSH_INTERVAL_MS > now) continue;
    send.set(channelId, { at: now, storm: notifications >= STORM_NOTIFICATIONS });
  }
  const pending = new Map([...state.pending].filter(([channelId]) => !send.has(channelId)));
  const lastSent = { get: (channelId: string) => send.get(channelId) ?? state.lastSent.get(channelId) };
  return { send, nextFlushAt: nextFlushAt({ pending, lastSent, lastFlush: now }, now) };
}
