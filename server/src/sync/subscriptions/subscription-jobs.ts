import { z } from "zod";
import type { JobDefinition } from "../jobs/queue.ts";
import {
  reauthorizeChannelSubscription,
  recreateSubscription,
  subscribeChannel,
} from "./channel-subscriptions.ts";
import { RENEWAL_SCHEDULE, renewDueSubscriptions, retryWebhooks } from "./renewal.ts";
import type { SyncDeps } from "./sync-channel.ts";

const upkeepJob = z.discriminatedUnion("action", [
  z.object({ action: z.literal("subscribe"), channelId: z.uuid(), reconnected: z.boolean().optional() }),
  z.object({ action: z.enum(["reauthorize", "recreate"]), subscriptionId: z.string().min(1).max(128) }),
]);
export type SubscriptionUpkeepJob = z.infer<typeof upkeepJob>;

/**
 * `subscription-upkeep` does the slow Graph calls the webhook must not wait for (subscribe after
 * connect, reauthorize, recreate), so intake answers 202 at once. `subscription-renewal` runs every
 * 5 minutes across the cluster: renewals that are due, and webhook retries for polling channels.
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
        if (job.action === "subscribe")
          await subscribeChannel(deps, job.channelId, { reauthorize: job.reconnected === true });
        else if (job.action === "reauthorize") await reauthorizeChannelSubscription(deps, job.subscriptionId);
        else await recreateSubscription(deps, job.subscriptionId);
      },
    },
    {
      name: "subscription-renewal",
      schedule: RENEWAL_SCHEDULE,
      retryLimit: 0,
      handler: async () => {
        const renewal = await renewDueSubscriptions(deps);
        const webhooks = await retryWebhooks(deps);
        if (renewal.renewed + renewal.recreated + renewal.failed + webhooks > 0)
          deps.logger?.info({ ...renewal, webhooks }, "subscription renewal run");
      },
    },
  ];
}
