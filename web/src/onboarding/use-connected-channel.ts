import { useQuery } from "@tanstack/react-query";
import { listChannels } from "../channels/channels-api.ts";

/**
 * The mailbox this org already connected, if any: step 3 remembers a connection made before
 * "Continue to your inbox" (leave and come back) and its marker turns into a tick.
 */
export function useConnectedChannel(enabled: boolean): string | undefined {
  return useConnectedChannelQuery(enabled).channelId;
}

/** The same, saying whether the answer is still to come (`/onboarding` waits for it to land). */
export function useConnectedChannelQuery(enabled: boolean): { channelId?: string; pending: boolean } {
  const query = useQuery({
    queryKey: ["onboarding", "channels"],
    queryFn: listChannels,
    enabled,
  });
  return { channelId: query.data?.channels[0]?.id, pending: enabled && query.isPending };
}
