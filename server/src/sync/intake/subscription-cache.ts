import { UNKNOWN_SUBSCRIPTION_MEMORY_MS } from "../subscriptions/subscription-store.ts";
import { sameSecret } from "./same-secret.ts";

/**
 * Known subscriptions, clientState opened, for a minute: Graph sends many notifications per
 * subscription, and intake must not pay a query and a decryption for each. Unknown ids are
 * remembered only for a few seconds (a subscription's first notification may race its row's
 * insert), and the cache is bounded so spoofed ids can't grow it. A deleted subscription's entry
 * only lets a notification queue a sync that finds nothing to do, until it ages out.
 */
export const SUBSCRIPTION_CACHE_MS = 60_000;
export const MAX_CACHED_SUBSCRIPTIONS = 10_000;

/** What a notification claims: its subscription, and the clientState we gave Graph for it. */
export interface Notified {
  subscriptionId: string;
  clientState?: string | null | undefined;
}

/** Where the cache reads subscriptions it doesn't hold: one primary-key query for many ids. */
export type SubscriptionLookup = (
  ids: string[],
) => Promise<{ id: string; channelId: string; clientState: string }[]>;

export interface SubscriptionCache {
  /**
   * The notifications whose subscription is known and whose clientState matches, each with its
   * channel; the others are handed to `refused` (logged by the caller, answered like the rest).
   */
  verify<T extends Notified>(
    items: T[],
    refused: (item: T, known: boolean) => void,
  ): Promise<{ item: T; channelId: string }[]>;
}

interface Entry {
  channelId: string;
  clientState: string | null;
  until: number;
}

export function subscriptionCache(lookup: SubscriptionLookup, now = () => Date.now()): SubscriptionCache {
  const known = new Map<string, Entry>();
  /** Ids being looked up: requests that arrive meanwhile wait for that query instead of repeating it. */
  const loading = new Map<string, Promise<void>>();

  function load(ids: string[], at: number): Promise<void> {
    const query = (async () => {
      const rows = await lookup(ids);
      if (known.size + rows.length > MAX_CACHED_SUBSCRIPTIONS) known.clear();
      for (const row of rows)
        known.set(row.id, {
          channelId: row.channelId,
          clientState: row.clientState,
          until: at + SUBSCRIPTION_CACHE_MS,
        });
      // Unknown ids are remembered briefly too, so a flood of spoofed ids costs one query each per
      // few seconds; briefly, because a new subscription's first notification can beat its insert.
      for (const id of ids)
        if (!rows.some((r) => r.id === id))
          known.set(id, { channelId: "", clientState: null, until: at + UNKNOWN_SUBSCRIPTION_MEMORY_MS });
    })().finally(() => {
      for (const id of ids) if (loading.get(id) === query) loading.delete(id);
    });
    for (const id of ids) loading.set(id, query);
    return query;
  }

  /** One lookup per body for the ids not in the cache, whatever the number of items. */
  async function fill(ids: string[], at: number): Promise<void> {
    const missing = [...new Set(ids)].filter((id) => (known.get(id)?.until ?? 0) <= at);
    if (missing.length === 0) return;
    const waits = new Set<Promise<void>>();
    const fresh = missing.filter((id) => {
      const inFlight = loading.get(id);
      if (inFlight) waits.add(inFlight);
      return !inFlight;
    });
    if (fresh.length > 0) waits.add(load(fresh, at));
    await Promise.all(waits);
  }

  return {
    async verify(items, refused) {
      await fill(
        items.map((i) => i.subscriptionId),
        now(),
      );
      const valid: { item: (typeof items)[number]; channelId: string }[] = [];
      for (const item of items) {
        const entry = known.get(item.subscriptionId);
        const secret = entry?.clientState;
        const ok =
          entry !== undefined &&
          typeof secret === "string" &&
          typeof item.clientState === "string" &&
          sameSecret(secret, item.clientState);
        if (ok) valid.push({ item, channelId: entry.channelId });
        else refused(item, secret != null);
      }
      return valid;
    },
  };
}
