import type { JobDefinition } from "../../jobs/queue.ts";
import { subscriptionUpkeepJob } from "../job-messages.ts";
import type { SyncDeps } from "../sync-deps.ts";
import { reauthorizeChannelSubscription } from "./reauthorize.ts";
import { recreateSubscription } from "./recreate.ts";
import { RENEWAL_SCHEDULE, renewDueSubscriptions, retryWebhooks } from "./renew-subscriptions.ts";
import { subscribeChannel } from "./subscribe-channel.ts";

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
        const job = subscriptionUpkeepJob.parse(data);
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
