import { z } from "zod";
import type { GraphClient } from "./graph-client.ts";
import {
  ATTACHMENT_EXPAND,
  type GraphMessage,
  graphMessage,
  graphQuery,
  MAX_PAGE_SIZE,
  MESSAGE_FIELDS,
} from "./message-schema.ts";

/**
 * A folder's message list, one page at a time: the messages received in [from, before), newest
 * first, 1,000 per page with the full `$select` and the attachment list expanded, and the first
 * page's `@odata.count` for the window. `$orderby` names the property the `$filter` leads with,
 * as Exchange requires (else InefficientFilter). Next pages come from `@odata.nextLink`, used as
 * Graph gave it.
 * https://learn.microsoft.com/graph/api/user-list-messages · https://learn.microsoft.com/graph/query-parameters#count-parameter
 */
export function listMessagesPath(folder: string, window: { from: Date; before: Date }): string {
  const params = new URLSearchParams({
    $filter: `receivedDateTime ge ${window.from.toISOString()} and receivedDateTime lt ${window.before.toISOString()}`,
    $orderby: "receivedDateTime desc",
    $top: String(MAX_PAGE_SIZE),
    $count: "true",
    $select: MESSAGE_FIELDS.join(","),
    $expand: ATTACHMENT_EXPAND,
  });
  return `/me/mailFolders/${folder}/messages?${graphQuery(params)}`;
}

export const messageList = z.object({
  value: z.array(graphMessage),
  "@odata.count": z.number().int().nonnegative().optional(),
  "@odata.nextLink": z.string().optional(),
});

export interface MessageListPage {
  messages: GraphMessage[];
  /** Graph's count of the whole window (first page only, when `$count=true` was asked). */
  count?: number;
  /** Path of the next page, while there is one. */
  next?: string;
}

/** One page of the list (ids immutable, as every other Graph read of ours). */
export async function fetchMessageList(graph: GraphClient, path: string): Promise<MessageListPage> {
  const page = await graph.request({ path, headers: { prefer: 'IdType="ImmutableId"' } }, messageList);
  return messageListPage(graph, page);
}

/** A parsed list answer → its messages, count and the path of the next page. */
export function messageListPage(
  graph: Pick<GraphClient, "pathOf">,
  page: z.infer<typeof messageList>,
): MessageListPage {
  return {
    messages: page.value,
    ...(page["@odata.count"] !== undefined ? { count: page["@odata.count"] } : {}),
    ...(page["@odata.nextLink"] ? { next: graph.pathOf(page["@odata.nextLink"]) } : {}),
  };
}
