import { and, eq } from "drizzle-orm";
import type { ChannelHooks } from "../channels/channels-options.ts";
import type { Config } from "../config.ts";
import type { SecretBox } from "../crypto/secret-box.ts";
import type { Database } from "../db/client.ts";
import type { EventBus } from "../events/bus.ts";
import type { JobQueue } from "../jobs/queue.ts";
import type { Logger } from "../log.ts";
import { unsubscribeChannel } from "./channel-subscriptions.ts";
import { backfills } from "./schema.ts";
import type { SubscriptionUpkeepJob } from "./subscription-jobs.ts";

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
      const subscribe: SubscriptionUpkeepJob = { action: "subscribe", channelId, reconnected };
      await queue.send("subscription-upkeep", subscribe, { singletonKey: `subscribe:${channelId}` });
      await queue.send("sync-channel", { channelId, reason: "connect" }, { singletonKey: channelId });
      deps.logger.info({ channelId, reconnected }, "channel connected: subscribe and first sync queued");
    },
    async disconnecting(channelId) {
      await unsubscribeChannel(syncDeps, channelId);
      // A running "Sync older mail" stops at its next page instead of failing on missing tokens.
      await syncDeps.db
        .update(backfills)
        .set({
          status: "cancelled",
          error: "The channel was disconnected",
          finishedAt: new Date(),
          updatedAt: new Date(),
        })
        .where(and(eq(backfills.channelId, channelId), eq(backfills.status, "running")));
    },
  };
}
