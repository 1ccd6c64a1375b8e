import { eq } from "drizzle-orm";
import { type AccessTokenDeps, channelAccessToken } from "../channels/access-token.ts";
import type { ChannelRow } from "../channels/channel-store.ts";
import { channels } from "../channels/schema.ts";
import { createGraphClient, type GraphClient } from "../microsoft/graph-client.ts";

/**
 * The one way sync code gets a Graph client for a channel's mailbox: the channel's own tokens
 * (refreshed on demand), and — once wired — the cluster-wide per-mailbox request limit.
 */
export function channelGraphClient(deps: AccessTokenDeps, channel: ChannelRow): GraphClient {
  return createGraphClient({
    graphUrl: deps.config.microsoft.graphUrl,
    accessToken: channelAccessToken(deps, channel),
  });
}

/** The channel and its Graph client, or undefined when the channel is not connected. */
export async function connectedChannelGraph(
  deps: AccessTokenDeps,
  channelId: string,
): Promise<{ channel: ChannelRow; graph: GraphClient } | undefined> {
  const [channel] = await deps.db.select().from(channels).where(eq(channels.id, channelId)).limit(1);
  if (channel?.status !== "connected") return undefined;
  return { channel, graph: channelGraphClient(deps, channel) };
}
