import { z } from "zod";
import type { JobDefinition } from "../jobs/queue.ts";
import { type SyncDeps, syncChannel } from "./sync-channel.ts";

const syncChannelJob = z.object({ channelId: z.uuid() });
export type SyncChannelJob = z.infer<typeof syncChannelJob>;

/**
 * The delta sync job. Send it with `singletonKey: channelId` so one waits per channel; a run that
 * finds the lease taken ends quietly — the holder is already fetching the same changes.
 */
export function syncJobs(deps: SyncDeps): JobDefinition[] {
  return [
    {
      name: "sync-channel",
      concurrency: 4,
      handler: async (data) => {
        await syncChannel(deps, syncChannelJob.parse(data).channelId);
      },
    },
  ];
}
