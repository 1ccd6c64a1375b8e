import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { channelAccessToken } from "../channels/access-token.ts";
import { channels } from "../channels/schema.ts";
import type { FollowedFolder } from "../microsoft/delta.ts";
import { createGraphClient, type GraphClient } from "../microsoft/graph-client.ts";
import {
  createSubscription,
  deleteSubscription,
  reauthorizeSubscription,
} from "../microsoft/subscriptions.ts";
import { subscriptions } from "./schema.ts";
import { FOLLOWED_FOLDERS, type SyncDeps } from "./sync-channel.ts";

/**
 * A channel's Graph subscriptions: one per followed folder (ADR 009), each with a random 32-byte
 * clientState sealed at rest. Graph validates both URLs before it answers the create; when it
 * refuses (PUBLIC_URL unreachable, say) the channel still works — the sync sweep and polling cover it.
 * https://learn.microsoft.com/graph/change-notifications-delivery-webhooks
 * https://learn.microsoft.com/graph/api/subscription-post-subscriptions
 */
export const clientStateContext = (id: string) => `subscription:${id}:client_state`;

async function channelGraph(deps: SyncDeps, channelId: string): Promise<GraphClient | undefined> {
  const [channel] = await deps.db.select().from(channels).where(eq(channels.id, channelId)).limit(1);
  if (channel?.status !== "connected") return undefined;
  return createGraphClient({
    graphUrl: deps.config.microsoft.graphUrl,
    accessToken: channelAccessToken(deps, channel),
  });
}

async function subscribeFolder(
  deps: SyncDeps,
  graph: GraphClient,
  target: { orgId: string; channelId: string; folder: FollowedFolder; maxMinutes?: number },
): Promise<void> {
  const base = deps.config.publicUrl;
  const clientState = randomBytes(32).toString("base64url");
  const created = await createSubscription(graph, {
    folder: target.folder,
    notificationUrl: `${base}/api/outlook/webhook`,
    lifecycleNotificationUrl: `${base}/api/outlook/lifecycle`,
    clientState,
    ...(target.maxMinutes ? { maxMinutes: target.maxMinutes } : {}),
  });
  await deps.db.insert(subscriptions).values({
    id: created.id,
    orgId: target.orgId,
    channelId: target.channelId,
    folder: target.folder,
    clientStateSealed: deps.box.seal(clientState, clientStateContext(created.id)),
    expiresAt: created.expiresAt,
    maxMinutes: created.maxMinutes,
  });
  deps.logger?.info(
    { channelId: target.channelId, folder: target.folder, subscriptionId: created.id },
    "subscription created",
  );
}

/** Subscribes every followed folder that has no subscription yet. Never throws for Graph's refusal. */
export async function subscribeChannel(deps: SyncDeps, channelId: string): Promise<number> {
  const [channel] = await deps.db.select().from(channels).where(eq(channels.id, channelId)).limit(1);
  const graph = await channelGraph(deps, channelId);
  if (!channel || !graph) return 0;
  const existing = await deps.db.select().from(subscriptions).where(eq(subscriptions.channelId, channelId));
  let made = 0;
  for (const folder of FOLLOWED_FOLDERS) {
    if (existing.some((s) => s.folder === folder)) continue;
    try {
      await subscribeFolder(deps, graph, { orgId: channel.orgId, channelId, folder });
      made++;
    } catch (err) {
      deps.logger?.warn(
        { err, channelId, folder },
        "Graph refused the subscription; sync falls back to sweeps",
      );
    }
  }
  return made;
}

/** subscriptionRemoved: forget the old one and subscribe its folder again. */
export async function recreateSubscription(deps: SyncDeps, subscriptionId: string): Promise<void> {
  const [row] = await deps.db.delete(subscriptions).where(eq(subscriptions.id, subscriptionId)).returning();
  if (!row) return;
  const graph = await channelGraph(deps, row.channelId);
  if (!graph) return;
  await deleteSubscription(graph, row.id).catch(() => undefined);
  await subscribeFolder(deps, graph, {
    orgId: row.orgId,
    channelId: row.channelId,
    folder: row.folder as FollowedFolder,
    maxMinutes: row.maxMinutes,
  });
}

/** reauthorizationRequired: ask Graph to resume delivery; a 404 means it is gone, so recreate it. */
export async function reauthorizeChannelSubscription(deps: SyncDeps, subscriptionId: string): Promise<void> {
  const [row] = await deps.db.select().from(subscriptions).where(eq(subscriptions.id, subscriptionId));
  if (!row) return;
  const graph = await channelGraph(deps, row.channelId);
  if (!graph) return;
  try {
    await reauthorizeSubscription(graph, subscriptionId);
  } catch (err) {
    deps.logger?.warn({ err, subscriptionId }, "reauthorize failed; recreating the subscription");
    await recreateSubscription(deps, subscriptionId);
  }
}

/** On disconnect: delete at Graph (best effort, while the tokens still exist), then the rows. */
export async function unsubscribeChannel(deps: SyncDeps, channelId: string): Promise<void> {
  const rows = await deps.db.select().from(subscriptions).where(eq(subscriptions.channelId, channelId));
  if (rows.length === 0) return;
  const graph = await channelGraph(deps, channelId).catch(() => undefined);
  for (const row of rows) {
    try {
      if (graph) await deleteSubscription(graph, row.id);
    } catch (err) {
      deps.logger?.warn(
        { err, channelId, subscriptionId: row.id },
        "could not delete the subscription at Graph",
      );
    }
  }
  await deps.db.delete(subscriptions).where(eq(subscriptions.channelId, channelId));
}
