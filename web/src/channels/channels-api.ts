import { apiDelete, apiGet, apiPatch, apiPost, apiPut } from "../api.ts";
import type { CredentialSource } from "../outlook/outlook-api.ts";

/** Channels and their links to shared inboxes (docs/api/outlook-channels.md), as the server sends them. */

export type ChannelStatus = "connected" | "needs_reauth" | "disconnected";

export interface InboxRef {
  id: string;
  name: string;
  color: string;
}

export interface ChannelSummary {
  id: string;
  provider: "outlook";
  email: string;
  displayName: string;
  mailboxName: string | null;
  status: ChannelStatus | string;
  statusReason: string | null;
  credentialSource: CredentialSource;
  clientId: string;
  connectedAt: string | null;
  inboxes: InboxRef[];
}

export interface ChannelAlias {
  address: string;
  isPrimary: boolean;
  source: string;
}

export interface ChannelDetail extends ChannelSummary {
  signature: string;
  autoBcc: string | null;
  undoSendSeconds: number;
  aliases: ChannelAlias[];
  aliasesRefreshedAt: string | null;
  connectedBy: { name: string; email: string } | null;
}

export interface ChannelSettings {
  displayName: string;
  signature: string;
  autoBcc: string | null;
  undoSendSeconds: number;
}

/** The part of a shared inbox the channel page needs. */
export interface InboxOption {
  id: string;
  name: string;
  color: string;
  isDefault: boolean;
}

const channelPath = (id: string) => `/api/channels/${encodeURIComponent(id)}`;

export const listChannels = () => apiGet<{ channels: ChannelSummary[] }>("/api/channels");
export const getChannel = (id: string) => apiGet<{ channel: ChannelDetail }>(channelPath(id));
export const updateChannel = (id: string, patch: Partial<ChannelSettings>) =>
  apiPatch<{ channel: ChannelDetail }>(channelPath(id), patch);
export const refreshAliases = (id: string) =>
  apiPost<{ aliases: ChannelAlias[] }>(`${channelPath(id)}/aliases/refresh`, {});
export const disconnectChannel = (id: string, keepConversations: boolean) =>
  apiDelete<unknown>(`${channelPath(id)}?keepConversations=${keepConversations}`);

export const listInboxOptions = () => apiGet<{ inboxes: InboxOption[] }>("/api/inboxes");
const linkPath = (inboxId: string, channelId: string) =>
  `/api/inboxes/${encodeURIComponent(inboxId)}/channels/${encodeURIComponent(channelId)}`;
export const linkInbox = (inboxId: string, channelId: string) =>
  apiPut<unknown>(linkPath(inboxId, channelId));
export const unlinkInbox = (inboxId: string, channelId: string) =>
  apiDelete<unknown>(linkPath(inboxId, channelId));
