import { ChannelNeedsReauth } from "../../channels/access-token.ts";
import { type ChannelGraph, connectedChannelGraph } from "../../channels/channel-graph.ts";
import type { SyncErrorKind } from "../state/schema.ts";
import { markPollingMode, publishHealthChanged, recordSyncError } from "../state/sync-state.ts";
import type { SyncDeps } from "../sync-deps.ts";
import { graphProblem } from "./graph-problem.ts";
import { RENEWAL_RETRY_MS } from "./renew-at.ts";
import type { SubscriptionRow } from "./schema.ts";
import { createAtGraph, settleMode, storeCreated } from "./subscribe-channel.ts";
import { findSubscription, markLapsed, type NewSubscriptionRow } from "./subscription-store.ts";

export type RecreateOutcome = "recreated" | "failed" | "superseded" | "not_connected" | "unknown";

/**
 * Replaces a subscription Graph no longer has (404, expired, subscriptionRemoved) with a new one:
 * new id, new clientState, the old row deleted in the same transaction as the new one is stored.
 * If Graph refuses, the old row is kept, marked expired, so the renewal job tries again, and the
 * channel polls (`subscription_lapsed`) until a recreate succeeds.
 * https://learn.microsoft.com/graph/change-notifications-lifecycle-events
 */
export async function recreateSubscription(
  deps: SyncDeps,
  subscriptionId: string,
  options: { now?: Date; kind?: SyncErrorKind } = {},
): Promise<RecreateOutcome> {
  const row = await findSubscription(deps.db, subscriptionId);
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
  const target = { ...ref, folder: row.folder };
  let next: NewSubscriptionRow;
  try {
    next = await createAtGraph(deps, graph, target, now, row.maxMinutes);
  } catch (err) {
    if (err instanceof ChannelNeedsReauth) return "not_connected";
    const problem = graphProblem(err);
    deps.logger?.warn(
      { channelId: row.channelId, subscriptionId: row.id, code: problem.code },
      "could not recreate the subscription; the channel polls until it can",
    );
    await markLapsed(deps.db, row, now, new Date(now.getTime() + RENEWAL_RETRY_MS));
    await markPollingMode(
      deps.db,
      ref,
      "subscription_lapsed",
      `The ${target.folder} subscription ended and Microsoft refused a new one: ${problem.code}: ${problem.message}`,
      null,
    );
    await recordSyncError(deps.db, ref, options.kind ?? "subscription", problem.code, problem.message);
    await publishHealthChanged(deps.events, ref);
    return "failed";
  }
  if (!(await storeCreated(deps, graph, next, row))) return "superseded";
  await settleMode(deps, ref, now);
  return "recreated";
}
