import { randomBytes } from "node:crypto";
import { and, asc, eq, gt, inArray } from "drizzle-orm";
import { ChannelNeedsReauth } from "../channels/access-token.ts";
import { type ChannelGraph, connectedChannelGraph } from "../channels/channel-graph.ts";
import { FOLLOWED_FOLDERS, type FollowedFolder } from "../mail/folders.ts";
import { type GraphClient, GraphError } from "../microsoft/graph-client.ts";
import {
  createSubscription,
  deleteSubscription,
  reauthorizeSubscription,
} from "../microsoft/subscriptions.ts";
import { type SubscriptionRow, subscriptions } from "./schema.ts";
import type { SubscriptionUpkeepJob } from "./subscription-jobs.ts";
import type { SyncDeps } from "./sync-channel.ts";
import {
  type ChannelRef,
  markPollingMode,
  markWebhookMode,
  readSyncState,
  recordSyncError,
  type SyncErrorKind,
} from "./sync-state.ts";
import { webhookAvailability } from "./webhook-mode.ts";

/**
 * A channel's Graph subscriptions: one per followed folder (ADR 009), each with a random 32-byte
 * clientState sealed at rest. Graph validates both URLs before it answers the create; when it
 * refuses, the channel polls and says why (ADR 011), and the renewal job tries again later.
 * https://learn.microsoft.com/graph/change-notifications-delivery-webhooks
 * https://learn.microsoft.com/graph/api/subscription-post-subscriptions
 */
export const clientStateContext = (id: string) => `subscription:${id}:client_state`;

/** A failed renewal or recreate is tried again after this long (the renewal job runs every 5 min). */
export const RENEWAL_RETRY_MS = 4 * 60_000;

/**
 * Intake remembers a subscription id it could not find for this long (webhook-routes.ts). Graph may
 * notify a new subscription before its row is stored, and such notifications are dropped; so after
 * storing one, a catch-up sync is queued to start once that memory has run out (see `store`).
 */
export const UNKNOWN_SUBSCRIPTION_MEMORY_MS = 5_000;

/**
 * When to renew a subscription that runs from `from` to `expiresAt`: a random point between 50 %
 * and 75 % of its lifetime. Channels connected together then renew at different times, and every
 * renewal has a quarter of the lifetime (days, for mail) to succeed before the subscription lapses.
 */
export function renewAtFor(from: Date, expiresAt: Date, random = Math.random()): Date {
  const lifetime = Math.max(0, expiresAt.getTime() - from.getTime());
  return new Date(from.getTime() + lifetime * (0.5 + 0.25 * random));
}

/** Graph's error code and message (never tokens or URLs), for sync health. */
export function graphProblem(err: unknown): { code: string; message: string } {
  if (err instanceof GraphError) return { code: err.code || String(err.status), message: err.message };
  return { code: "unreachable", message: "Microsoft Graph could not be reached" };
}

type Target = ChannelRef & { folder: FollowedFolder };

/** Creates the folder's subscription at Graph; the row to store (not yet stored). */
async function createAtGraph(
  deps: SyncDeps,
  graph: ChannelGraph,
  target: Target,
  now: Date,
  maxMinutes?: number,
): Promise<typeof subscriptions.$inferInsert> {
  const base = deps.config.publicUrl;
  const clientState = randomBytes(32).toString("base64url");
  const created = await createSubscription(graph, {
    folder: target.folder,
    notificationUrl: `${base}/api/outlook/webhook`,
    lifecycleNotificationUrl: `${base}/api/outlook/lifecycle`,
    clientState,
    now,
    ...(maxMinutes ? { maxMinutes } : {}),
  });
  deps.logger?.info(
    { channelId: target.channelId, folder: target.folder, subscriptionId: created.id },
    "subscription created",
  );
  return {
    id: created.id,
    orgId: target.orgId,
    channelId: target.channelId,
    folder: target.folder,
    clientStateSealed: deps.box.seal(clientState, clientStateContext(created.id)),
    expiresAt: created.expiresAt,
    maxMinutes: created.maxMinutes,
    createdAt: now,
    renewAt: renewAtFor(now, created.expiresAt),
    authorizedUntil: graph.tokens.expiresAt(),
  };
}

/**
 * Stores a new subscription, replacing `old` if given. If `old` is already gone (another worker
 * replaced it first) the new one is deleted again; if two workers subscribed a missing folder at
 * once, the one with the lower id is kept. Either way a folder ends with one subscription.
 */
async function store(
  deps: SyncDeps,
  graph: GraphClient,
  row: typeof subscriptions.$inferInsert,
  old?: SubscriptionRow,
): Promise<boolean> {
  const stored = await deps.db.transaction(async (tx) => {
    if (old) {
      const gone = await tx
        .delete(subscriptions)
        .where(eq(subscriptions.id, old.id))
        .returning({ id: subscriptions.id });
      if (gone.length === 0) return false;
    }
    await tx.insert(subscriptions).values(row);
    return true;
  });
  const siblings = stored
    ? await deps.db
        .select({ id: subscriptions.id })
        .from(subscriptions)
        .where(and(eq(subscriptions.channelId, row.channelId), eq(subscriptions.folder, row.folder)))
        .orderBy(asc(subscriptions.id))
    : [];
  const extra = stored ? siblings.slice(1).map((s) => s.id) : [row.id];
  for (const id of extra) {
    await deleteSubscription(graph, id).catch((err: unknown) =>
      deps.logger?.warn({ err, subscriptionId: id }, "could not delete a duplicate subscription"),
    );
    await deps.db.delete(subscriptions).where(eq(subscriptions.id, id));
  }
  const kept = !extra.includes(row.id);
  if (kept) await catchUpAfterSubscribing(deps, row.channelId);
  return kept;
}

/**
 * Notifications for a new subscription that beat its row were dropped (intake did not know it yet),
 * and intake keeps not knowing it for up to UNKNOWN_SUBSCRIPTION_MEMORY_MS after. A delta sync that
 * starts after that covers every change they announced. Its own singleton key, so a sync already
 * waiting (which may start sooner) does not swallow it.
 */
async function catchUpAfterSubscribing(deps: SyncDeps, channelId: string): Promise<void> {
  const queue = deps.queue?.();
  if (!queue) return;
  await queue
    .send(
      "sync-channel",
      { channelId, reason: "subscribed" },
      {
        singletonKey: `subscribed:${channelId}`,
        startAfterSeconds: Math.ceil(UNKNOWN_SUBSCRIPTION_MEMORY_MS / 1000) + 1,
      },
    )
    .catch((err: unknown) => deps.logger?.warn({ err, channelId }, "could not queue the catch-up sync"));
}

/** Tells the channel page that its sync health changed. */
async function healthChanged(deps: SyncDeps, ref: ChannelRef): Promise<void> {
  await deps.events.publish(ref.orgId, { type: "sync.health", data: { channelId: ref.channelId } });
}

/** Webhook mode once every followed folder has a live subscription (and not before). */
async function settleMode(deps: SyncDeps, ref: ChannelRef, now: Date): Promise<void> {
  const rows = await deps.db.select().from(subscriptions).where(eq(subscriptions.channelId, ref.channelId));
  const live = FOLLOWED_FOLDERS.every((f) => rows.some((r) => r.folder === f && r.expiresAt > now));
  if (!live) return;
  const state = await readSyncState(deps.db, ref.channelId);
  if (state?.mode === "webhook" && state.pollingReason === null) return;
  await markWebhookMode(deps.db, ref);
  await healthChanged(deps, ref);
}

export type SubscribeOutcome =
  | { mode: "webhook"; created: number }
  | { mode: "polling"; reason: "public_url_not_public" | "webhooks_off" | "subscription_refused" }
  | { mode: "unchanged"; reason: "not_connected" };

/**
 * After connect, and when it is time to retry webhooks: subscribes every followed folder that has
 * no live subscription (live ones are kept — reauthorized after a reconnect — and expired ones
 * replaced). When webhooks can't work here Graph is not called at all; when Graph refuses, the
 * channel polls and retries later. Never throws for Graph's refusal.
 */
export async function subscribeChannel(
  deps: SyncDeps,
  channelId: string,
  options: { now?: Date; reauthorize?: boolean } = {},
): Promise<SubscribeOutcome> {
  const now = options.now ?? new Date();
  const found = await connectedChannelGraph(deps, channelId);
  if (!found) return { mode: "unchanged", reason: "not_connected" };
  const { channel, graph } = found;
  const ref = { orgId: channel.orgId, channelId };

  const availability = webhookAvailability(deps.config);
  if (!availability.ok) {
    await markPollingMode(deps.db, ref, availability.reason, availability.detail, null);
    await healthChanged(deps, ref);
    return { mode: "polling", reason: availability.reason };
  }

  const rows = await deps.db.select().from(subscriptions).where(eq(subscriptions.channelId, channelId));
  let created = 0;
  let refusal: { code: string; message: string } | undefined;
  for (const folder of FOLLOWED_FOLDERS) {
    const old = rows.find((r) => r.folder === folder);
    try {
      if (old && old.expiresAt > now) {
        if (!options.reauthorize || (await resumed(deps, graph, old))) continue;
      }
      const row = await createAtGraph(deps, graph, { ...ref, folder }, now, old?.maxMinutes);
      if (await store(deps, graph, row, old)) created++;
    } catch (err) {
      if (err instanceof ChannelNeedsReauth) return { mode: "unchanged", reason: "not_connected" };
      refusal = graphProblem(err);
      deps.logger?.warn(
        { channelId, folder, code: refusal.code },
        "Graph refused the subscription; the channel polls",
      );
    }
  }
  if (refusal) {
    const retryAt = new Date(now.getTime() + deps.config.sync.webhookRetryMinutes * 60_000);
    await markPollingMode(
      deps.db,
      ref,
      "subscription_refused",
      // Graph's own words; the health page puts them in its sentence.
      `${refusal.code}: ${refusal.message}`,
      retryAt,
    );
    await recordSyncError(deps.db, ref, "subscription", refusal.code, refusal.message);
    await healthChanged(deps, ref);
    return { mode: "polling", reason: "subscription_refused" };
  }
  await markWebhookMode(deps.db, ref);
  await healthChanged(deps, ref);
  return { mode: "webhook", created };
}

/**
 * After a reconnect, a live subscription may be paused: Graph stops delivering once the token
 * behind it expires, until it is reauthorized. False when Graph no longer has it (404).
 * https://learn.microsoft.com/graph/change-notifications-lifecycle-events#responding-to-reauthorizationrequired-notifications
 */
async function resumed(deps: SyncDeps, graph: ChannelGraph, row: SubscriptionRow): Promise<boolean> {
  try {
    await reauthorizeSubscription(graph, row.id);
    await markAuthorized(deps, [row.id], graph.tokens.expiresAt());
    return true;
  } catch (err) {
    if (err instanceof GraphError && err.status === 404) return false;
    if (err instanceof ChannelNeedsReauth) throw err;
    const problem = graphProblem(err);
    deps.logger?.warn(
      { subscriptionId: row.id, code: problem.code },
      "could not reauthorize after reconnect",
    );
    await recordSyncError(deps.db, row, "subscription", problem.code, problem.message);
    return true;
  }
}

export type RecreateOutcome = "recreated" | "failed" | "superseded" | "not_connected" | "unknown";

/**
 * Replaces a subscription Graph no longer has (404, expired, subscriptionRemoved) with a new one:
 * new id, new clientState, the old row deleted in the same transaction as the new one is stored.
 * If Graph refuses, the old row is kept, marked expired, so the renewal job tries again, and the
 * channel polls (`subscription_lapsed`) until a recreate succeeds.
 */
export async function recreateSubscription(
  deps: SyncDeps,
  subscriptionId: string,
  options: { now?: Date; kind?: SyncErrorKind } = {},
): Promise<RecreateOutcome> {
  const [row] = await deps.db.select().from(subscriptions).where(eq(subscriptions.id, subscriptionId));
  if (!row) return "unknown";
  const found = await connectedChannelGraph(deps, row.channelId);
  if (!found) return "not_connected";
  return recreateRow(deps, found.graph, row, options);
}

export async function recreateRow(
  deps: SyncDeps,
  graph: ChannelGraph,
  row: SubscriptionRow,
  options: { now?: Date; kind?: SyncErrorKind } = {},
): Promise<RecreateOutcome> {
  const now = options.now ?? new Date();
  const ref = { orgId: row.orgId, channelId: row.channelId };
  const target = { ...ref, folder: row.folder as FollowedFolder };
  let next: typeof subscriptions.$inferInsert;
  try {
    next = await createAtGraph(deps, graph, target, now, row.maxMinutes);
  } catch (err) {
    if (err instanceof ChannelNeedsReauth) return "not_connected";
    const problem = graphProblem(err);
    deps.logger?.warn(
      { channelId: row.channelId, subscriptionId: row.id, code: problem.code },
      "could not recreate the subscription; the channel polls until it can",
    );
    await deps.db
      .update(subscriptions)
      .set({
        expiresAt: new Date(Math.min(row.expiresAt.getTime(), now.getTime())),
        renewAt: new Date(now.getTime() + RENEWAL_RETRY_MS),
      })
      .where(eq(subscriptions.id, row.id));
    await markPollingMode(
      deps.db,
      ref,
      "subscription_lapsed",
      `The ${target.folder} subscription ended and Microsoft refused a new one: ${problem.code}: ${problem.message}`,
      null,
    );
    await recordSyncError(deps.db, ref, options.kind ?? "subscription", problem.code, problem.message);
    await healthChanged(deps, ref);
    return "failed";
  }
  if (!(await store(deps, graph, next, row))) return "superseded";
  await settleMode(deps, ref, now);
  return "recreated";
}

/** reauthorizationRequired: ask Graph to resume delivery; a 404 means it is gone, so recreate it. */
export async function reauthorizeChannelSubscription(
  deps: SyncDeps,
  subscriptionId: string,
  options: { now?: Date } = {},
): Promise<"reauthorized" | RecreateOutcome> {
  const [row] = await deps.db.select().from(subscriptions).where(eq(subscriptions.id, subscriptionId));
  if (!row) return "unknown";
  const found = await connectedChannelGraph(deps, row.channelId);
  if (!found) return "not_connected";
  try {
    // Graph challenges ahead of the expiry of the token behind the subscription: answering with
    // that same token would only be challenged again, so answer with one that outlives it.
    const { tokens } = found.graph;
    const held = tokens.expiresAt();
    if (row.authorizedUntil && held && held <= row.authorizedUntil) await tokens(true);
    else await tokens.validFor(TOKEN_VALID_FOR_MS);
    await reauthorizeSubscription(found.graph, subscriptionId);
    await markAuthorized(deps, [subscriptionId], tokens.expiresAt());
    return "reauthorized";
  } catch (err) {
    if (err instanceof GraphError && err.status === 404) {
      deps.logger?.info({ subscriptionId }, "subscription gone at reauthorization; recreating it");
      return recreateRow(deps, found.graph, row, options);
    }
    if (err instanceof ChannelNeedsReauth) return "not_connected";
    const problem = graphProblem(err);
    await recordSyncError(
      deps.db,
      { orgId: row.orgId, channelId: row.channelId },
      "subscription",
      problem.code,
      problem.message,
    );
    throw err;
  }
}

/**
 * How far ahead of the end of a subscription's authorization the sweep reauthorizes it: Graph's
 * challenge lead (15 minutes in the emulator; "before the access token expires" in Microsoft's
 * words) plus one sweep interval and a margin, so one sweep falls in between.
 */
export const REAUTHORIZE_AHEAD_MS = 35 * 60_000;
/** A reauthorization is made with an access token valid at least this long (refreshed if not). */
const TOKEN_VALID_FOR_MS = REAUTHORIZE_AHEAD_MS + 5 * 60_000;

/**
 * The channel's subscriptions whose authorization ends within REAUTHORIZE_AHEAD_MS, with the access
 * token made fresh enough to outlive that horizon (refreshed now if need be) — so a reauthorize
 * carried in the sweep's batch moves their authorization forward before Graph challenges it,
 * which would cost a request of its own per subscription per token lifetime. Only those the token
 * actually outlives are returned.
 * https://learn.microsoft.com/graph/change-notifications-lifecycle-events#responding-to-reauthorizationrequired-notifications
 */
export async function dueReauthorizations(
  deps: SyncDeps,
  graph: ChannelGraph,
  channelId: string,
  now = new Date(),
): Promise<{ ids: string[]; until: Date | null }> {
  const rows = await deps.db
    .select({ id: subscriptions.id, authorizedUntil: subscriptions.authorizedUntil })
    .from(subscriptions)
    .where(and(eq(subscriptions.channelId, channelId), gt(subscriptions.expiresAt, now)));
  const horizon = now.getTime() + REAUTHORIZE_AHEAD_MS;
  const due = rows.filter((r) => !r.authorizedUntil || r.authorizedUntil.getTime() < horizon);
  if (due.length === 0) return { ids: [], until: null };
  const until = await graph.tokens.validFor(TOKEN_VALID_FOR_MS);
  if (!until) return { ids: [], until: null };
  const ids = due.filter((r) => !r.authorizedUntil || until > r.authorizedUntil).map((r) => r.id);
  return { ids, until };
}

/**
 * Graph's answers to reauthorizations sent ahead of time: done ones are recorded; one Graph no
 * longer has (404) is recreated by the upkeep job; anything else is left to Graph's own challenge.
 */
export async function settleReauthorizations(
  deps: SyncDeps,
  answers: { id: string; status: number }[],
  until: Date | null,
): Promise<void> {
  await markAuthorized(
    deps,
    answers.filter((a) => a.status >= 200 && a.status < 300).map((a) => a.id),
    until,
  );
  for (const gone of answers.filter((a) => a.status === 404)) {
    const job: SubscriptionUpkeepJob = { action: "recreate", subscriptionId: gone.id };
    await deps.queue?.().send("subscription-upkeep", job, { singletonKey: `recreate:${gone.id}` });
  }
  const failed = answers.filter((a) => a.status >= 300 && a.status !== 404);
  if (failed.length > 0)
    deps.logger?.warn(
      { subscriptions: failed.map((a) => [a.id, a.status]) },
      "reauthorizing ahead failed; Graph's challenge will ask again",
    );
}

/** Graph holds these subscriptions authorized until `until` (the token behind the last call). */
export async function markAuthorized(deps: SyncDeps, ids: string[], until: Date | null): Promise<void> {
  if (ids.length === 0) return;
  await deps.db.update(subscriptions).set({ authorizedUntil: until }).where(inArray(subscriptions.id, ids));
}

/** On disconnect: delete at Graph (best effort, while the tokens still exist), then the rows. */
export async function unsubscribeChannel(deps: SyncDeps, channelId: string): Promise<void> {
  const rows = await deps.db.select().from(subscriptions).where(eq(subscriptions.channelId, channelId));
  if (rows.length === 0) return;
  const found = await connectedChannelGraph(deps, channelId).catch(() => undefined);
  for (const row of rows) {
    try {
      if (found) await deleteSubscription(found.graph, row.id);
    } catch (err) {
      deps.logger?.warn(
        { err, channelId, subscriptionId: row.id },
        "could not delete the subscription at Graph",
      );
    }
  }
  await deps.db.delete(subscriptions).where(eq(subscriptions.channelId, channelId));
}
