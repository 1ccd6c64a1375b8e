import { connectedAmong } from "../../channels/channel-store.ts";
import type { Db } from "../../db/client.ts";
import { initialRoundsDone } from "../../mail/cursors.ts";
import { syncStatesOf } from "../state/sync-state.ts";

/**
 * What other modules may ask sync about a channel's sync, without knowing its tables. The inbox
 * takes this as a port (its routes' `syncStatus` option, wired in http/app.ts), so inbox never
 * imports sync.
 */
export interface SyncStatus {
  /** Which of these channels are still importing their recent mail (the first sync runs). */
  importing(channelIds: string[]): Promise<Set<string>>;
}

export function syncStatus(db: Db): SyncStatus {
  return { importing: (channelIds) => importingChannels(db, channelIds) };
}

/**
 * A connected channel imports until its first sync has finished: the sync record says so, or —
 * before that record exists — every followed folder's cursor has finished its initial round.
 */
export async function importingChannels(db: Db, channelIds: string[]): Promise<Set<string>> {
  const connected = [...(await connectedAmong(db, channelIds))];
  if (connected.length === 0) return new Set();
  const [states, done] = await Promise.all([syncStatesOf(db, connected), initialRoundsDone(db, connected)]);
  const synced = new Set(states.filter((s) => s.initialSyncedAt !== null).map((s) => s.channelId));
  return new Set(connected.filter((id) => !synced.has(id) && !done.has(id)));
}
