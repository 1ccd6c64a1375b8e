import { type ChannelSettingsInput, routes } from "@mailroom/contract";
import { callApi } from "../api.ts";

/** Channels, their links to shared inboxes, and their sync health; shapes are the contract's. */

export type {
  ChannelAlias,
  ChannelDetail,
  ChannelStatus,
  ChannelSummary,
  HealthState as SyncHealthState,
  InboxRef,
  SyncError,
  SyncHealth,
  SyncHealthSummary,
} from "@mailroom/contract";

export const listChannels = () => callApi(routes.listChannels);
export const getChannel = (id: string) => callApi(routes.getChannel, { params: { id } });
export const updateChannel = (id: string, patch: ChannelSettingsInput) =>
  callApi(routes.updateChannel, { params: { id }, body: patch });
export const refreshAliases = (id: string) => callApi(routes.refreshAliases, { params: { id } });
export const disconnectChannel = (id: string, keepConversations: boolean) =>
  callApi(routes.disconnectChannel, {
    params: { id },
    query: { keepConversations: keepConversations ? "true" : "false" },
  });

export const listInboxOptions = () => callApi(routes.listInboxes);
export const linkInbox = (inboxId: string, channelId: string) =>
  callApi(routes.linkChannel, { params: { id: inboxId, channelId } });
export const unlinkInbox = (inboxId: string, channelId: string) =>
  callApi(routes.unlinkChannel, { params: { id: inboxId, channelId } });

export const getSyncHealth = (id: string) => callApi(routes.getChannelSync, { params: { id } });
export const listSyncHealth = () => callApi(routes.listSyncHealth);
/** "Check now": `queued` is false when a sync was already waiting. */
export const checkChannelNow = (id: string) => callApi(routes.checkNow, { params: { id } });
