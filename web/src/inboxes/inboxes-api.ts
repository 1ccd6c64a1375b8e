import { apiDelete, apiGet, apiPatch, apiPost, apiPut } from "../api.ts";

/** Shared inboxes as `GET /api/inboxes` sends them (docs/api/outlook-channels.md). */

export const INBOX_COLORS = ["blue", "green", "orange", "purple", "red", "teal", "gray", "pink"] as const;
export type InboxColor = (typeof INBOX_COLORS)[number];
export type Visibility = "org" | "restricted";

export interface Inbox {
  id: string;
  name: string;
  description: string;
  color: string;
  visibility: Visibility;
  isDefault: boolean;
  channels: { id: string; email: string }[];
  members: { userId: string; name: string; email: string }[];
}

/** The fields the form edits; `memberIds` only matter for restricted inboxes. */
export interface InboxInput {
  name: string;
  description: string;
  color: InboxColor;
  visibility: Visibility;
  memberIds: string[];
}

/** A connected mailbox, as much of it as linking needs. */
export interface ChannelOption {
  id: string;
  email: string;
  displayName: string;
  status: string;
}

const inboxPath = (id: string) => `/api/inboxes/${encodeURIComponent(id)}`;
const linkPath = (inboxId: string, channelId: string) =>
  `${inboxPath(inboxId)}/channels/${encodeURIComponent(channelId)}`;

export const listInboxes = () => apiGet<{ inboxes: Inbox[] }>("/api/inboxes");
export const createInbox = (input: InboxInput) => apiPost<{ inbox: Inbox }>("/api/inboxes", input);
export const updateInbox = (id: string, input: InboxInput) =>
  apiPatch<{ inbox: Inbox }>(inboxPath(id), input);
export const deleteInbox = (id: string) => apiDelete<unknown>(inboxPath(id));
export const linkChannel = (inboxId: string, channelId: string) =>
  apiPut<unknown>(linkPath(inboxId, channelId));
export const unlinkChannel = (inboxId: string, channelId: string) =>
  apiDelete<unknown>(linkPath(inboxId, channelId));
export const listChannelOptions = () => apiGet<{ channels: ChannelOption[] }>("/api/channels");
