import type { Db } from "../db/client.ts";
import type { EventBus } from "../events/bus.ts";
import { recordChannelAudit } from "./channel-attention.ts";
import { findChannelById } from "./channel-store.ts";
import type { OAuthState } from "./oauth-state.ts";

/**
 * A reconnect's identity pin: the channel is Microsoft's user (object id) in Microsoft's tenant,
 * not an address (addresses change, and two tenants may share one). Signing in as anyone else is
 * refused, nothing is stored, the attempt is audited, and the person told who the channel is.
 * Returns the problem page to show, or undefined when it is the same mailbox.
 */
export async function refuseOtherMailbox(
  deps: { db: Db },
  state: OAuthState,
  signedIn: { msUserId: string; msTenantId: string; email: string },
): Promise<string | undefined> {
  const channel = state.channelId ? await findChannelById(deps.db, state.channelId) : undefined;
  if (!channel || channel.orgId !== state.orgId) return "/outlook/problem/state_invalid?from=channels";
  const same =
    channel.msUserId.toLowerCase() === signedIn.msUserId.toLowerCase() &&
    channel.msTenantId.toLowerCase() === signedIn.msTenantId.toLowerCase();
  if (same) return undefined;
  await recordChannelAudit(deps.db, {
    orgId: channel.orgId,
    channelId: channel.id,
    action: "reconnect_refused",
    reason: "wrong_account",
    userId: state.userId,
  });
  const query = new URLSearchParams({ from: "channels", expected: channel.email, got: signedIn.email });
  return `/outlook/problem/wrong_account?${query}`;
}

/** A channel that needed attention is connected again: audited, and the banner told at once. */
export async function recordReconnect(
  deps: { db: Db; events: EventBus },
  entry: { orgId: string; channelId: string; userId: string },
): Promise<void> {
  await recordChannelAudit(deps.db, { ...entry, action: "reconnected" });
  await deps.events.publish(entry.orgId, {
    type: "channels.attention",
    data: { channelId: entry.channelId, status: "connected", reason: null },
  });
}
