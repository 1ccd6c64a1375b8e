import { z } from "zod";
import type { JobDefinition } from "../jobs/queue.ts";
import {
  reauthorizeChannelSubscription,
  recreateSubscription,
  subscribeChannel,
} from "./channel-subscriptions.ts";
import type { SyncDeps } from "./sync-channel.ts";

const upkeepJob = z.discriminatedUnion("action", [
  z.object({ action: z.literal("subscribe"), channelId: z.uuid() }),
  z.object({ action: z.enum(["reauthorize", "recreate"]), subscriptionId: z.string().min(1).max(128) }),
]);
export type SubscriptionUpkeepJob = z.infer<typeof upkeepJob>;

/**
 * `subscription-upkeep` does the slow Graph calls the webhook must not wait for (subscribe after
 * connect, reauthorize, recreate), so intake answers 202 at once.
 * https://learn.microsoft.com/graph/change-notifications-lifecycle-events
 */
export function subscriptionJobs(deps: SyncDeps): JobDefinition[] {
  return [
    {
      name: "subscription-upkeep",
      concurrency: 2,
      retryLimit: 3,
      handler: async (data) => {
        const job = upkeepJob.parse(data);
        if (job.action === "subscribe") await subscribeChannel(deps, job.channelId);
        else if (job.action === "reauthorize") await reauthorizeChannelSubscription(deps, job.subscriptionId);
        else await recreateSubscription(deps, job.subscriptionId);
      },
    },
  ];
}
