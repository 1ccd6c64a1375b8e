import type { ChannelHooks } from "../channels/routes.ts";
import type { Config } from "../config.ts";
import type { SecretBox } from "../crypto/secret-box.ts";
import type { Database } from "../db/client.ts";
import type { EventBus } from "../events/bus.ts";
import type { Logger } from "../log.ts";
import { unsubscribeChannel } from "./channel-subscriptions.ts";

export interface ChannelSyncHookDeps {
  config: Config;
  logger: Logger;
  database: Database;
  events: EventBus;
  secretBox: SecretBox;
}

/**
 * Sync's part of a channel's life: before disconnect, delete its subscriptions at Graph while the
 * tokens still work. (Subscribing after connect is the `subscription-upkeep` job's "subscribe"
 * action; wiring it into the connect flow is pending — see the report on issue 5.)
 * https://learn.microsoft.com/graph/api/subscription-delete
 */
export function channelSyncHooks(deps: ChannelSyncHookDeps): ChannelHooks {
  const syncDeps = {
    config: deps.config,
    db: deps.database.db,
    box: deps.secretBox,
    events: deps.events,
    logger: deps.logger,
  };
  return {
    async disconnecting(channelId) {
      await unsubscribeChannel(syncDeps, channelId);
    },
  };
}
