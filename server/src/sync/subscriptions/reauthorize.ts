import { ChannelNeedsReauth } from "../../channels/access-token.ts";
import { type ChannelGraph, connectedChannelGraph } from "../../channels/channel-graph.ts";
import { GraphError } from "../../microsoft/graph-client.ts";
import { reauthorizeSubscription } from "../../microsoft/subscriptions.ts";
import { sendSubscriptionUpkeep } from "../job-messages.ts";
import { recordSyncError } from "../state/sync-state.ts";
import type { SyncDeps } from "../sync-deps.ts";
import { graphProblem } from "./graph-problem.ts";
import { type RecreateOutcome, recreateRow } from "./recreate.ts";
import { findSubscription, liveAuthorizations, markAuthorized } from "./subscription-store.ts";

/**
 * Keeping subscriptions authorized. Graph pauses delivery to a subscription once the access token
 * behind it expires, and challenges ahead of that (reauthorizationRequired). We answer the
 * challenge (the upkeep job), and the sweep reauthorizes ahead of it in the `$batch` it sends
 * anyway (delta/first-pages.ts), so a routine channel never pays a request of its own for this.
 * https://learn.microsoft.com/graph/change-notifications-lifecycle-events#responding-to-reauthorizationrequired-notifications
 */

/**
 * How far ahead of the end of a subscription's authorization the sweep reauthorizes it: Graph's
 * challenge lead (15 minutes in the emulator; "before the access token expires" in Microsoft's
 * words) plus one sweep interval and a margin, so one sweep falls in between.
 */
export const REAUTHORIZE_AHEAD_MS = 35 * 60_000;
/** A reauthorization is made with an access token valid at least this long (refreshed if not). */
const TOKEN_VALID_FOR_MS = REAUTHORIZE_AHEAD_MS + 5 * 60_000;

/** reauthorizationRequired: ask Graph to resume delivery; a 404 means it is gone, so recreate it. */
export async function reauthorizeChannelSubscription(
  deps: SyncDeps,
  subscriptionId: string,
  options: { now?: Date } = {},
): Promise<"reauthorized" | RecreateOutcome> {
  const row = await findSubscription(deps.db, subscriptionId);
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
    await markAuthorized(deps.db, [subscriptionId], tokens.expiresAt());
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
 * The channel's subscriptions whose authorization ends within REAUTHORIZE_AHEAD_MS, with the access
 * token made fresh enough to outlive that horizon (refreshed now if need be) — so a reauthorize
 * carried in the sweep's batch moves their authorization forward before Graph challenges it,
 * which would cost a request of its own per subscription per token lifetime. Only those the token
 * actually outlives are returned.
 */
export async function dueReauthorizations(
  deps: SyncDeps,
  graph: ChannelGraph,
  channelId: string,
  now = new Date(),
): Promise<{ ids: string[]; until: Date | null }> {
  const rows = await liveAuthorizations(deps.db, channelId, now);
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
    deps.db,
    answers.filter((a) => a.status >= 200 && a.status < 300).map((a) => a.id),
    until,
  );
  const queue = deps.queue?.();
  for (const gone of answers.filter((a) => a.status === 404)) {
    if (queue) await sendSubscriptionUpkeep(queue, { action: "recreate", subscriptionId: gone.id });
  }
  const failed = answers.filter((a) => a.status >= 300 && a.status !== 404);
  if (failed.length > 0)
    deps.logger?.warn(
      { subscriptions: failed.map((a) => [a.id, a.status]) },
      "reauthorizing ahead failed; Graph's challenge will ask again",
    );
}
