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

/** Sync health (server/src/sync/health.ts): how a channel is kept in sync and how that is going. */
export type SyncHealthState =
  | "healthy"
  | "polling"
  | "syncing"
  | "degraded"
  | "needs_reauth"
  | "disconnected";

export interface SyncHealthSummary {
  channelId: string;
  state: SyncHealthState;
  /** One line, e.g. "Up to date — Microsoft notifies Mailroom of new mail". */
  label: string;
  mode: "webhook" | "polling";
  lastDeltaAt: string | null;
  lastNotificationAt: string | null;
}

export interface SyncError {
  occurredAt: string;
  kind: string;
  code: string;
  message: string;
}

export interface SyncHealth extends SyncHealthSummary {
  pollingReason: string | null;
  /** Why it polls, as a sentence. */
  pollingDetail: string | null;
  webhookRetryAt: string | null;
  subscriptions: { folder: string; expiresAt: string }[];
  initialSyncedAt: string | null;
  initialSync: { synced: number; total: number } | null;
  messagesSynced: number;
  foldersFollowed: string[];
  /** How often a polling channel checks, in seconds. */
  pollSeconds: number;
  recentErrors: SyncError[];
}

export const getSyncHealth = (id: string) => apiGet<{ sync: SyncHealth }>(`${channelPath(id)}/sync`);
export const listSyncHealth = () => apiGet<{ channels: SyncHealthSummary[] }>("/api/sync/health");
/** "Check now": `queued` is false when a sync was already waiting. */
export const checkChannelNow = (id: string) => apiPost<{ queued: boolean }>(`${channelPath(id)}/sync`, {});
