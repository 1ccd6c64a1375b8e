import {
  type BulkSelection,
  type ConversationAction,
  type ConversationStatus,
  type Person,
  type RequestOf,
  routes,
} from "@mailroom/contract";
import { callApi } from "../api.ts";

/** The inbox's reading API (server/src/inbox/conversation-routes.ts). Our ids only, never Graph's. */

export type {
  ActionOutcome,
  Attachment as AttachmentView,
  BulkAction,
  BulkSelection,
  ChannelImport,
  ConversationAction,
  ConversationDetail,
  ConversationItem,
  ConversationPage,
  Message as MessageView,
  Person,
} from "@mailroom/contract";

export const PAGE_SIZE = 50;

type ListQuery = NonNullable<RequestOf<typeof routes.listConversations>["query"]>;

/** The list's filters (in the URL, and what "select all matching" sends). */
export interface ListFilter {
  status?: ConversationStatus;
  unread?: boolean;
  q?: string;
}

const filterQuery = (filter: ListFilter): Partial<ListQuery> => ({
  ...(filter.status ? { status: filter.status } : {}),
  ...(filter.unread ? { unread: "true" as const } : {}),
  ...(filter.q ? { q: filter.q } : {}),
});

/** "All inboxes" is the scope without an id. */
const listIn = (inboxId: string | null, query: ListQuery) =>
  inboxId
    ? callApi(routes.listInboxConversations, { params: { inboxId }, query })
    : callApi(routes.listConversations, { query });

export const listConversations = (inboxId: string | null, filter: ListFilter, cursor?: string) =>
  listIn(inboxId, { limit: PAGE_SIZE, ...filterQuery(filter), ...(cursor ? { cursor } : {}) });

/** Just these conversations, if they still match the filter (those that don't are left out). */
export const refetchConversations = (inboxId: string | null, filter: ListFilter, ids: string[]) =>
  listIn(inboxId, { ids: ids.join(","), ...filterQuery(filter) });

export const actOnConversation = (id: string, action: ConversationAction) =>
  callApi(routes.actOnConversation, { params: { id }, body: { action } });

export const startBulkAction = (action: ConversationAction, selection: BulkSelection) =>
  callApi(routes.startBulkAction, { body: { action, selection } });

export const getBulkAction = (id: string) => callApi(routes.getBulkAction, { params: { id } });

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
