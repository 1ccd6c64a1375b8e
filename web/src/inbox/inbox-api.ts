import { type Person, type RequestOf, routes } from "@mailroom/contract";
import { callApi } from "../api.ts";

/** The inbox's reading API (server/src/inbox/conversation-routes.ts). Our ids only, never Graph's. */

export type {
  Attachment as AttachmentView,
  ChannelImport,
  ConversationDetail,
  ConversationItem,
  ConversationPage,
  Message as MessageView,
  Person,
} from "@mailroom/contract";

export const PAGE_SIZE = 50;

type ListQuery = NonNullable<RequestOf<typeof routes.listConversations>["query"]>;

/** "All inboxes" is the scope without an id. */
const listIn = (inboxId: string | null, query: ListQuery) =>
  inboxId
    ? callApi(routes.listInboxConversations, { params: { inboxId }, query })
    : callApi(routes.listConversations, { query });

export const listConversations = (inboxId: string | null, cursor?: string) =>
  listIn(inboxId, { limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) });

export const refetchConversations = (inboxId: string | null, ids: string[]) =>
  listIn(inboxId, { ids: ids.join(",") });

export const getConversation = (id: string) => callApi(routes.getConversation, { params: { id } });

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
