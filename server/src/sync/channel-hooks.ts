import type { ChannelHooks } from "../channels/channels-options.ts";
import type { Config } from "../config.ts";
import type { SecretBox } from "../crypto/secret-box.ts";
import type { Database } from "../db/client.ts";
import type { EventBus } from "../events/bus.ts";
import type { JobQueue } from "../jobs/queue.ts";
import type { Logger } from "../log.ts";
import { cancelRunningBackfills } from "./backfill/backfill-store.ts";
import { sendSubscriptionUpkeep, sendSyncChannel } from "./job-messages.ts";
import { unsubscribeChannel } from "./subscriptions/subscribe-channel.ts";

export interface ChannelSyncHookDeps {
  config: Config;
  logger: Logger;
  database: Database;
  events: EventBus;
  secretBox: SecretBox;
  /** Where the connect hook sends its jobs; absent in bare HTTP tests (then nothing is queued). */
  queue?: JobQueue;
}

/**
 * Sync's part of a channel's life. After (re)connect: subscribe (only what is missing or expired —
 * a reconnect keeps its subscriptions and its sync position) and run the first sync, both as jobs
 * so the OAuth redirect never waits on Graph. Before disconnect: delete its subscriptions at Graph
 * while the tokens still work, and cancel a running backfill.
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
    async connected(channelId, { reconnected }) {
      const { queue } = deps;
      if (!queue) return;
      await sendSubscriptionUpkeep(queue, { action: "subscribe", channelId, reconnected });
      await sendSyncChannel(queue, { channelId, reason: "connect" }, { singletonKey: channelId });
      deps.logger.info({ channelId, reconnected }, "channel connected: subscribe and first sync queued");
    },
    async disconnecting(channelId) {
      await unsubscribeChannel(syncDeps, channelId);
      // A running "Sync older mail" stops at its next page instead of failing on missing tokens.
      await cancelRunningBackfills(syncDeps.db, channelId, "The channel was disconnected");
    },
  };
}
