import { randomBytes } from "node:crypto";
import { ChannelNeedsReauth } from "../../channels/access-token.ts";
import { type ChannelGraph, connectedChannelGraph } from "../../channels/channel-graph.ts";
import { FOLLOWED_FOLDERS, type FollowedFolder } from "../../mail/folders.ts";
import { type GraphClient, GraphError } from "../../microsoft/graph-client.ts";
import {
  createSubscription,
  deleteSubscription,
  reauthorizeSubscription,
} from "../../microsoft/subscriptions.ts";
import { sendSyncChannel } from "../job-messages.ts";
import {
  markPollingMode,
  markWebhookMode,
  publishHealthChanged,
  readSyncState,
  recordSyncError,
} from "../state/sync-state.ts";
import type { ChannelRef, SyncDeps } from "../sync-deps.ts";
import { graphProblem } from "./graph-problem.ts";
import { renewAtFor } from "./renew-at.ts";
import type { SubscriptionRow } from "./schema.ts";
import {
  channelSubscriptions,
  clientStateContext,
  deleteChannelSubscriptions,
  deleteSubscriptionRow,
  folderSubscriptionIds,
  markAuthorized,
  type NewSubscriptionRow,
  replaceSubscription,
  UNKNOWN_SUBSCRIPTION_MEMORY_MS,
} from "./subscription-store.ts";
import { webhookAvailability } from "./webhook-mode.ts";

/**
 * A channel's Graph subscriptions: one per followed folder (ADR 009), each with a random 32-byte
 * clientState sealed at rest. Graph validates both URLs before it answers the create; when it
 * refuses, the channel polls and says why (ADR 011), and the renewal job tries again later.
 * https://learn.microsoft.com/graph/change-notifications-delivery-webhooks
 * https://learn.microsoft.com/graph/api/subscription-post-subscriptions
 */

export type FolderTarget = ChannelRef & { folder: FollowedFolder };

/** Creates the folder's subscription at Graph; the row to store (not yet stored). */
export async function createAtGraph(
  deps: SyncDeps,
  graph: ChannelGraph,
  target: FolderTarget,
  now: Date,
  maxMinutes?: number,
): Promise<NewSubscriptionRow> {
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
export async function storeCreated(
  deps: SyncDeps,
  graph: GraphClient,
  row: NewSubscriptionRow,
  old?: SubscriptionRow,
): Promise<boolean> {
  const stored = await replaceSubscription(deps.db, row, old);
  const siblings = stored ? await folderSubscriptionIds(deps.db, row.channelId, row.folder) : [];
  const extra = stored ? siblings.slice(1) : [row.id];
  for (const id of extra) {
    await deleteSubscription(graph, id).catch((err: unknown) =>
      deps.logger?.warn({ err, subscriptionId: id }, "could not delete a duplicate subscription"),
    );
    await deleteSubscriptionRow(deps.db, id);
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
  await sendSyncChannel(
    queue,
    { channelId, reason: "subscribed" },
    {
      singletonKey: `subscribed:${channelId}`,
      startAfterSeconds: Math.ceil(UNKNOWN_SUBSCRIPTION_MEMORY_MS / 1000) + 1,
    },
  ).catch((err: unknown) => deps.logger?.warn({ err, channelId }, "could not queue the catch-up sync"));
}

/** Webhook mode once every followed folder has a live subscription (and not before). */
export async function settleMode(deps: SyncDeps, ref: ChannelRef, now: Date): Promise<void> {
  const rows = await channelSubscriptions(deps.db, ref.channelId);
  const live = FOLLOWED_FOLDERS.every((f) => rows.some((r) => r.folder === f && r.expiresAt > now));
  if (!live) return;
  const state = await readSyncState(deps.db, ref.channelId);
  if (state?.mode === "webhook" && state.pollingReason === null) return;
  await markWebhookMode(deps.db, ref);
  await publishHealthChanged(deps.events, ref);
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
    await publishHealthChanged(deps.events, ref);
    return { mode: "polling", reason: availability.reason };
  }

  const rows = await channelSubscriptions(deps.db, channelId);
  let created = 0;
  let refusal: { code: string; message: string } | undefined;
  for (const folder of FOLLOWED_FOLDERS) {
    const old = rows.find((r) => r.folder === folder);
    try {
      if (old && old.expiresAt > now) {
        if (!options.reauthorize || (await resumed(deps, graph, old))) continue;
      }
      const row = await createAtGraph(deps, graph, { ...ref, folder }, now, old?.maxMinutes);
      if (await storeCreated(deps, graph, row, old)) created++;
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
    await publishHealthChanged(deps.events, ref);
    return { mode: "polling", reason: "subscription_refused" };
  }
  await markWebhookMode(deps.db, ref);
  await publishHealthChanged(deps.events, ref);
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
    await markAuthorized(deps.db, [row.id], graph.tokens.expiresAt());
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

/** On disconnect: delete at Graph (best effort, while the tokens still exist), then the rows. */
export async function unsubscribeChannel(deps: SyncDeps, channelId: string): Promise<void> {
  const rows = await channelSubscriptions(deps.db, channelId);
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
  await deleteChannelSubscriptions(deps.db, channelId);
}
