import { apiGet } from "../api.ts";

/** The inbox's reading API (server/src/inbox/conversation-routes.ts). Our ids only, never Graph's. */

export interface Person {
  name: string | null;
  address: string;
}

export interface ConversationItem {
  id: string;
  subject: string;
  snippet: string;
  lastMessageAt: string;
  messageCount: number;
  unreadCount: number;
  channel: { id: string; email: string; name: string };
  participants: Person[];
  hasAttachments: boolean;
}

export interface ChannelImport {
  id: string;
  email: string;
  name: string;
  status: string;
  /** The first import (the last days of mail) is still running. */
  importing: boolean;
}

export interface ConversationPage {
  conversations: ConversationItem[];
  nextCursor: string | null;
  /** First pages only: the channels behind this view. */
  channels?: ChannelImport[];
}

export interface AttachmentView {
  id: string;
  name: string;
  contentType: string | null;
  size: number;
  isInline: boolean;
}

export interface MessageView {
  id: string;
  direction: "inbound" | "outbound" | string;
  from: Person | null;
  to: Person[];
  cc: Person[];
  date: string | null;
  subject: string;
  isRead: boolean;
  text: string;
  hasAttachments: boolean;
  attachments: AttachmentView[] | null;
}

export interface ConversationDetail {
  id: string;
  subject: string;
  lastMessageAt: string | null;
  messageCount: number;
  unreadCount: number;
  channel: { id: string; email: string; name: string };
  messages: MessageView[];
}

/** "All inboxes" is the scope without an id. */
export const conversationsPath = (inboxId: string | null) =>
  inboxId ? `/api/inboxes/${encodeURIComponent(inboxId)}/conversations` : "/api/conversations";

export const PAGE_SIZE = 50;

export const listConversations = (inboxId: string | null, cursor?: string) =>
  apiGet<ConversationPage>(
    `${conversationsPath(inboxId)}?limit=${PAGE_SIZE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
  );

export const refetchConversations = (inboxId: string | null, ids: string[]) =>
  apiGet<ConversationPage>(`${conversationsPath(inboxId)}?ids=${ids.map(encodeURIComponent).join(",")}`);

export const getConversation = (id: string) =>
  apiGet<{ conversation: ConversationDetail }>(`/api/conversations/${encodeURIComponent(id)}`);

export const attachmentUrl = (messageId: string, attachmentId: string) =>
  `/api/messages/${encodeURIComponent(messageId)}/attachments/${encodeURIComponent(attachmentId)}`;

/** "Dana Customer" or the address when there is no name. */
export const personLabel = (p: Person) => p.name?.trim() || p.address;

/** 1.2 MB, 340 KB, 12 bytes. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  const units = ["KB", "MB", "GB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}
