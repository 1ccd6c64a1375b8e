import { timingSafeEqual } from "node:crypto";
import { inArray } from "drizzle-orm";
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import type { SecretBox } from "../crypto/secret-box.ts";
import type { Db } from "../db/client.ts";
import type { JobQueue } from "../jobs/queue.ts";
import { clientStateContext, UNKNOWN_SUBSCRIPTION_MEMORY_MS } from "./channel-subscriptions.ts";
import type { SyncChannelJob } from "./jobs.ts";
import {
  MAX_WEBHOOK_BODY_BYTES,
  type Parsed,
  parseChangeNotifications,
  parseLifecycleNotifications,
  validationToken,
} from "./parse-notifications.ts";
import { subscriptions } from "./schema.ts";
import type { SubscriptionUpkeepJob } from "./subscription-jobs.ts";

export interface WebhookOptions {
  db: Db;
  box: SecretBox;
  queue: JobQueue;
}

interface Notified {
  subscriptionId: string;
  clientState?: string | null | undefined;
}

/** Constant-time comparison; unequal lengths compare a buffer with itself so timing stays flat. */
export function sameSecret(expected: string, given: string): boolean {
  const a = Buffer.from(expected, "utf8");
  const b = Buffer.from(given, "utf8");
  if (a.length !== b.length) {
    timingSafeEqual(a, a);
    return false;
  }
  return timingSafeEqual(a, b);
}

/**
 * Graph's webhook and lifecycle endpoints. Notifications are hints: a valid one only enqueues a
 * delta sync (one pending per channel, via the singleton key) or a subscription upkeep job, and the
 * answer is 202 at once — Graph drops endpoints slower than 3 s. Unknown subscriptions and wrong
 * clientStates are logged and answered 202 like the rest, revealing nothing.
 * https://learn.microsoft.com/graph/change-notifications-delivery-webhooks
 * https://learn.microsoft.com/graph/change-notifications-lifecycle-events
 */
/** How long intake trusts a subscription row it read (see `known` below). */
const SUBSCRIPTION_CACHE_MS = 60_000;
const MAX_CACHED_SUBSCRIPTIONS = 10_000;
/** After a quiet spell, notified syncs are queued this soon (others arriving meanwhile ride along)… */
const COALESCE_MS = 5;
/** …and then at most once this often, for every channel that is due… */
const FLUSH_INTERVAL_MS = 100;
/** …a channel being due again this long after its last send… */
const CHANNEL_INTERVAL_MS = 500;
/** …or this long when that send carried a storm (this many notifications or more). */
const STORM_INTERVAL_MS = 2_000;
const STORM_NOTIFICATIONS = 50;
/** The longest a notification waits in intake before its sync is queued. */
export const MAX_NOTIFIED_SYNC_HOLD_MS = STORM_INTERVAL_MS + FLUSH_INTERVAL_MS;

export const webhookRoutes: FastifyPluginAsync<WebhookOptions> = async (app, { db, box, queue }) => {
  /** The validation handshake answers before the body is read: exactly the decoded token, as text. */
  const handshake = async (request: FastifyRequest, reply: FastifyReply) => {
    const token = validationToken(request.query);
    if (token === undefined) return;
    return reply
      .status(200)
      .header("content-type", "text/plain; charset=utf-8")
      .header("x-content-type-options", "nosniff")
      .header("cache-control", "no-store")
      .send(token);
  };

  /**
   * Known subscriptions, clientState opened, for a minute: Graph sends many notifications per
   * subscription, and intake must not pay a query and a decryption for each. Unknown ids only for a
   * few seconds (a subscription's first notification may race its row's insert), and the cache is
   * bounded so spoofed ids can't grow it. A deleted subscription's entry only lets a notification
   * queue a sync that finds nothing to do, until it ages out.
   */
  const known = new Map<string, { channelId: string; clientState: string | null; until: number }>();

  /**
   * One primary-key query per body for the ids not in the cache, whatever the number of items;
   * requests that arrive while an id is being looked up wait for that query instead of repeating it.
   */
  const loading = new Map<string, Promise<void>>();
  function load(ids: string[], now: number): Promise<void> {
    const query = (async () => {
      const rows = await db
        .select({
          id: subscriptions.id,
          channelId: subscriptions.channelId,
          clientStateSealed: subscriptions.clientStateSealed,
        })
        .from(subscriptions)
        .where(inArray(subscriptions.id, ids));
      if (known.size + rows.length > MAX_CACHED_SUBSCRIPTIONS) known.clear();
      for (const row of rows)
        known.set(row.id, {
          channelId: row.channelId,
          clientState: box.open(row.clientStateSealed, clientStateContext(row.id)),
          until: now + SUBSCRIPTION_CACHE_MS,
        });
      // Unknown ids are remembered briefly too, so a flood of spoofed ids costs one query each per
      // few seconds; briefly, because a new subscription's first notification can beat its insert.
      for (const id of ids)
        if (!rows.some((r) => r.id === id))
          known.set(id, { channelId: "", clientState: null, until: now + UNKNOWN_SUBSCRIPTION_MEMORY_MS });
    })().finally(() => {
      for (const id of ids) if (loading.get(id) === query) loading.delete(id);
    });
    for (const id of ids) loading.set(id, query);
    return query;
  }

  async function verified<T extends Notified>(request: FastifyRequest, items: T[]) {
    const now = Date.now();
    const missing = [...new Set(items.map((i) => i.subscriptionId))].filter(
      (id) => (known.get(id)?.until ?? 0) <= now,
    );
    if (missing.length > 0) {
      const waits = new Set<Promise<void>>();
      const fresh = missing.filter((id) => {
        const inFlight = loading.get(id);
        if (inFlight) waits.add(inFlight);
        return !inFlight;
      });
      if (fresh.length > 0) waits.add(load(fresh, now));
      await Promise.all(waits);
    }
    const valid: { item: T; row: { channelId: string } }[] = [];
    for (const item of items) {
      const row = known.get(item.subscriptionId);
      const secret = row?.clientState;
      const ok =
        row !== undefined &&
        typeof secret === "string" &&
        typeof item.clientState === "string" &&
        sameSecret(secret, item.clientState);
      if (ok) valid.push({ item, row });
      else
        request.log.warn(
          { subscriptionId: item.subscriptionId, known: row?.clientState != null },
          "notification ignored: unknown subscription or wrong clientState",
        );
    }
    return valid;
  }

  /**
   * Change notifications are coalesced into `sync-channel` jobs, flushed a few milliseconds after a
   * quiet spell and then at most once per FLUSH_INTERVAL_MS, each flush inserting one job per due
   * channel in a single statement (a channel whose sync already waits is skipped by the stately
   * queue). A channel is due again CHANNEL_INTERVAL_MS after its last send, or STORM_INTERVAL_MS
   * when that send carried STORM_NOTIFICATIONS or more: during a storm one delta run covers many
   * notifications instead of running back to back, while a trickle — and the first notification
   * after a quiet spell — goes out at once. A queued sync starts after every change its
   * notifications announce. A process that dies before a flush loses those hints; the sweep covers
   * them, as it does any lost notification.
   */
  const pending = new Map<
    string,
    { notifiedAt: string; reason: "notification" | "lifecycle"; notifications: number }
  >();
  const lastSent = new Map<string, { at: number; storm: boolean }>();
  const dueAt = (channelId: string) => {
    const last = lastSent.get(channelId);
    return last ? last.at + (last.storm ? STORM_INTERVAL_MS : CHANNEL_INTERVAL_MS) : 0;
  };
  let flushTimer: NodeJS.Timeout | undefined;
  let lastFlush = 0;
  const arm = (now: number) => {
    if (flushTimer || pending.size === 0) return;
    let due = Number.POSITIVE_INFINITY;
    for (const channelId of pending.keys()) due = Math.min(due, dueAt(channelId));
    const at = Math.max(due, lastFlush + FLUSH_INTERVAL_MS, now + COALESCE_MS);
    flushTimer = setTimeout(() => void flush(), at - now);
  };
  const flush = async (all = false) => {
    flushTimer = undefined;
    const now = Date.now();
    lastFlush = now;
    const jobs: { data: SyncChannelJob; singletonKey: string }[] = [];
    for (const [channelId, { notifiedAt, reason, notifications }] of pending) {
      // Channels due before the next flush could go now too: under a storm the channels fall into
      // waves, fewer flushes (each waking the workers) for the same syncs.
      if (!all && dueAt(channelId) - FLUSH_INTERVAL_MS > now) continue;
      pending.delete(channelId);
      lastSent.set(channelId, { at: now, storm: notifications >= STORM_NOTIFICATIONS });
      jobs.push({ data: { channelId, reason, notifiedAt }, singletonKey: channelId });
    }
    if (lastSent.size > MAX_CACHED_SUBSCRIPTIONS) lastSent.clear();
    arm(now);
    await queue
      .sendMany("sync-channel", jobs)
      .catch((err: unknown) =>
        app.log.error({ err, channels: jobs.length }, "could not queue notified syncs"),
      );
  };
  const syncSoon = (channelIds: Iterable<string>, reason: "notification" | "lifecycle" = "notification") => {
    const now = Date.now();
    const notifiedAt = new Date(now).toISOString();
    for (const channelId of channelIds) {
      const notifications = (pending.get(channelId)?.notifications ?? 0) + 1;
      pending.set(channelId, { notifiedAt, reason, notifications });
    }
    arm(now);
  };
  app.addHook("onClose", async () => {
    clearTimeout(flushTimer);
    await flush(true);
    clearTimeout(flushTimer);
  });

  const upkeep = (job: SubscriptionUpkeepJob & { subscriptionId: string }) =>
    queue.send("subscription-upkeep", job, { singletonKey: `${job.action}:${job.subscriptionId}` });

  function refuse(request: FastifyRequest, reply: FastifyReply, parsed: Parsed<unknown>) {
    request.log.warn({ reason: parsed.ok ? undefined : parsed.reason }, "malformed notification body");
    return reply
      .status(400)
      .type("application/problem+json")
      .send({ type: "about:blank", title: "Bad Request", status: 400, detail: "Malformed notification" });
  }

  const routeOptions = { bodyLimit: MAX_WEBHOOK_BODY_BYTES, onRequest: handshake };

  app.post("/api/outlook/webhook", routeOptions, async (request, reply) => {
    const parsed = parseChangeNotifications(request.body);
    if (!parsed.ok) return refuse(request, reply, parsed);
    const valid = await verified(request, parsed.items);
    syncSoon(valid.map((v) => v.row.channelId));
    return reply.status(202).send();
  });

  app.post("/api/outlook/lifecycle", routeOptions, async (request, reply) => {
    const parsed = parseLifecycleNotifications(request.body);
    if (!parsed.ok) return refuse(request, reply, parsed);
    const valid = await verified(request, parsed.items);
    request.log.info(
      { events: valid.map((v) => [v.item.subscriptionId, v.item.lifecycleEvent]) },
      "lifecycle notifications",
    );
    for (const { item } of valid) {
      if (item.lifecycleEvent === "reauthorizationRequired")
        await upkeep({ action: "reauthorize", subscriptionId: item.subscriptionId });
      if (item.lifecycleEvent === "subscriptionRemoved")
        await upkeep({ action: "recreate", subscriptionId: item.subscriptionId });
    }
    // missed and subscriptionRemoved: changes may have gone unannounced, so run delta now.
    syncSoon(
      valid.filter((v) => v.item.lifecycleEvent !== "reauthorizationRequired").map((v) => v.row.channelId),
      "lifecycle",
    );
    return reply.status(202).send();
  });
};
