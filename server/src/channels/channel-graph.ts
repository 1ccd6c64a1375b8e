import { createGraphClient, type GraphClient } from "../microsoft/graph-client.ts";
import {
  type AccessTokenDeps,
  type ChannelTokenSource,
  channelAccessToken,
  graphStillUnauthorized,
} from "./access-token.ts";
import { type ChannelRow, findChannelById } from "./channel-store.ts";
import { graphSlots } from "./graph-slots.ts";

/**
 * The one way code gets a Graph client for a channel's mailbox: the channel's own tokens
 * (refreshed on demand), and the cluster-wide limit of 4 concurrent requests per mailbox
 * (graph-slots.ts) around every request — sync, subscriptions, backfill and attachments alike.
 */
export type ChannelGraph = GraphClient & {
  /** The channel's tokens behind this client: subscriptions record until when they're authorized. */
  tokens: ChannelTokenSource;
};

export function channelGraphClient(deps: AccessTokenDeps, channel: ChannelRow): ChannelGraph {
  const tokens = channelAccessToken(deps, channel);
  const graph = createGraphClient({
    graphUrl: deps.config.microsoft.graphUrl,
    accessToken: tokens,
    limiter: graphSlots(deps.db, channel.id),
    onStillUnauthorized: () => graphStillUnauthorized(deps, channel),
  });
  return Object.assign(graph, { tokens });
}

/** The channel and its Graph client, or undefined when the channel is not connected. */
export async function connectedChannelGraph(
  deps: AccessTokenDeps,
  channelId: string,
): Promise<{ channel: ChannelRow; graph: ChannelGraph } | undefined> {
  const channel = await findChannelById(deps.db, channelId);
  if (channel?.status !== "connected") return undefined;
  return { channel, graph: channelGraphClient(deps, channel) };
}
