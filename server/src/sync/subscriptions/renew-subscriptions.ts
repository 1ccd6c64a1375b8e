import { ChannelNeedsReauth } from "../../channels/access-token.ts";
import { type ChannelGraph, connectedChannelGraph } from "../../channels/channel-graph.ts";
import { connectedAmong } from "../../channels/channel-store.ts";
import { GraphError } from "../../microsoft/graph-client.ts";
import { renewSubscription } from "../../microsoft/subscriptions.ts";
import { channelsDueForWebhookRetry, publishHealthChanged, recordSyncError } from "../state/sync-state.ts";
import type { SyncDeps } from "../sync-deps.ts";
import { graphProblem } from "./graph-problem.ts";
import { recreateRow } from "./recreate.ts";
import { RENEWAL_RETRY_MS, renewAtFor } from "./renew-at.ts";
import type { SubscriptionRow } from "./schema.ts";
import { subscribeChannel } from "./subscribe-channel.ts";
import { dueForRenewal, markRenewed, postponeRenewal } from "./subscription-store.ts";
import { webhookAvailability } from "./webhook-mode.ts";

/**
 * The `subscription-renewal` job's work (every 5 minutes): renew the subscriptions whose `renew_at`
 * has come (a random point at 50–75 % of their lifetime, so renewals spread out and always leave
 * days before expiry), recreate the ones Graph no longer has, and retry webhooks for channels
 * that poll because Graph refused them earlier.
 * https://learn.microsoft.com/graph/api/subscription-update
 * https://learn.microsoft.com/graph/change-notifications-overview#subscription-lifetime
 */
export const RENEWAL_SCHEDULE = "*/5 * * * *";
/** Subscriptions (and channels) handled per run; the next run takes the rest. */
export const RENEWAL_BATCH = 200;
/** A channel that is not connected keeps its rows (a reconnect reuses them) but stops being looked at. */
const NOT_CONNECTED_BACKOFF_MS = 60 * 60_000;

export interface RenewalResult {
  renewed: number;
  recreated: number;
  failed: number;
}

export async function renewDueSubscriptions(deps: SyncDeps, now = new Date()): Promise<RenewalResult> {
  const due = await dueForRenewal(deps.db, now, RENEWAL_BATCH);
  const result: RenewalResult = { renewed: 0, recreated: 0, failed: 0 };
  const byChannel = new Map<string, SubscriptionRow[]>();
  for (const row of due) byChannel.set(row.channelId, [...(byChannel.get(row.channelId) ?? []), row]);
  for (const [channelId, rows] of byChannel) {
    const found = await connectedChannelGraph(deps, channelId);
    if (!found) {
      await postpone(deps, rows, now, NOT_CONNECTED_BACKOFF_MS);
      continue;
    }
    let touched = false;
    for (const row of rows) {
      try {
        const outcome = await renewOrRecreate(deps, found.graph, row, now);
        if (outcome === "renewed") result.renewed++;
        else if (outcome === "recreated") result.recreated++;
        else result.failed++;
        touched = true;
      } catch (err) {
        if (err instanceof ChannelNeedsReauth) break;
        const problem = graphProblem(err);
        deps.logger?.warn(
          { channelId, subscriptionId: row.id, code: problem.code },
          "subscription renewal failed; retrying next run",
        );
        await recordSyncError(deps.db, row, "renewal", problem.code, problem.message);
        await postpone(deps, [row], now, RENEWAL_RETRY_MS);
        result.failed++;
      }
    }
    if (touched) await publishHealthChanged(deps.events, { orgId: found.channel.orgId, channelId });
  }
  return result;
}

/**
 * PATCH the expiry forward (at most the learnt maximum lifetime). A subscription already past its
 * expiry, or one Graph answers 404 for, is recreated instead: Graph deletes expired ones.
 */
async function renewOrRecreate(
  deps: SyncDeps,
  graph: ChannelGraph,
  row: SubscriptionRow,
  now: Date,
): Promise<"renewed" | "recreated" | "failed"> {
  const recreate = async () => {
    const outcome = await recreateRow(deps, graph, row, { now, kind: "renewal" });
    if (outcome === "not_connected") throw new ChannelNeedsReauth("disconnected");
    return outcome === "failed" ? "failed" : "recreated";
  };
  if (row.expiresAt <= now) return recreate();
  try {
    const renewed = await renewSubscription(graph, row.id, { maxMinutes: row.maxMinutes, now });
    await markRenewed(deps.db, row.id, {
      expiresAt: renewed.expiresAt,
      maxMinutes: renewed.maxMinutes,
      renewedAt: now,
      renewAt: renewAtFor(now, renewed.expiresAt),
      // Renewing also reauthorizes: Graph now holds it until the expiry of the token we renewed with.
      authorizedUntil: graph.tokens.expiresAt(),
    });
    deps.logger?.debug({ subscriptionId: row.id, expiresAt: renewed.expiresAt }, "subscription renewed");
    return "renewed";
  } catch (err) {
    if (err instanceof GraphError && err.status === 404) return recreate();
    throw err;
  }
}

async function postpone(deps: SyncDeps, rows: SubscriptionRow[], now: Date, ms: number): Promise<void> {
  await postponeRenewal(
    deps.db,
    rows.map((r) => r.id),
    new Date(now.getTime() + ms),
  );
}

/**
 * Channels polling because Graph refused their subscription, whose retry time has come (and, when
 * webhooks are possible now, the ones that polled because PUBLIC_URL wasn't public or WEBHOOKS was
 * off before a restart): subscribe them again.
 */
export async function retryWebhooks(deps: SyncDeps, now = new Date()): Promise<number> {
  const due = await channelsDueForWebhookRetry(deps.db, now, webhookAvailability(deps.config).ok);
  const connected = await connectedAmong(deps.db, due);
  let webhook = 0;
  for (const channelId of due.filter((id) => connected.has(id)).slice(0, RENEWAL_BATCH)) {
    try {
      const outcome = await subscribeChannel(deps, channelId, { now });
      if (outcome.mode === "webhook") webhook++;
    } catch (err) {
      deps.logger?.warn({ err, channelId }, "webhook retry failed");
    }
  }
  return webhook;
}
