import { createGraphClient } from "../microsoft/graph-client.ts";
import { fetchMe } from "../microsoft/me.ts";
import { channelAccessToken } from "./access-token.ts";
import { type ChannelRow, replaceAliases } from "./channel-store.ts";
import type { ChannelsOptions } from "./channels-options.ts";
import { discoverAliases } from "./discover-aliases.ts";

/** Re-reads GET /me for the channel's mailbox and stores its addresses. */
export async function refreshChannelAliases(options: ChannelsOptions, channel: ChannelRow): Promise<void> {
  const graph = createGraphClient({
    graphUrl: options.config.microsoft.graphUrl,
    accessToken: channelAccessToken(
      { config: options.config, db: options.database.db, box: options.secretBox, events: options.events },
      channel,
    ),
  });
  const me = await fetchMe(graph);
  await replaceAliases(options.database.db, channel.orgId, channel.id, discoverAliases(me));
}
