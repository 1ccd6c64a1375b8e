import type { Message } from "@microsoft/microsoft-graph-types";
import { z } from "zod";
import { type GraphClient, GraphError } from "./graph-client.ts";

/**
 * Delta queries on one mail folder: the initial sync (optionally only mail received since a date)
 * and the incremental rounds, one page at a time. `$select` and `$filter` go on the first request
 * only — Graph bakes them into the links it returns.
 * https://learn.microsoft.com/graph/api/message-delta · https://learn.microsoft.com/graph/delta-query-messages
 */
export type FollowedFolder = "inbox" | "sentitems";

/** Everything the store needs, so no per-message GET follows a delta page. */
export const MESSAGE_FIELDS = [
  "id",
  "conversationId",
  "internetMessageId",
  "subject",
  "from",
  "sender",
  "toRecipients",
  "ccRecipients",
  "bccRecipients",
  "replyTo",
  "receivedDateTime",
  "sentDateTime",
  "isRead",
  "isDraft",
  "body",
  "bodyPreview",
  "hasAttachments",
  "parentFolderId",
  "categories",
  "flag",
  "importance",
  "webLink",
] as const satisfies readonly (keyof Message)[];

/** Graph documents no maximum page size; 1,000 is the list API's cap and what we ask for. */
export const MAX_PAGE_SIZE = 1000;

const recipient = z.object({
  emailAddress: z.object({ name: z.string().nullish(), address: z.string().nullish() }).nullish(),
});
export const deltaMessage = z.object({
  id: z.string(),
  conversationId: z.string().nullish(),
  internetMessageId: z.string().nullish(),
  subject: z.string().nullish(),
  from: recipient.nullish(),
  sender: recipient.nullish(),
  toRecipients: z.array(recipient).nullish(),
  ccRecipients: z.array(recipient).nullish(),
  bccRecipients: z.array(recipient).nullish(),
  replyTo: z.array(recipient).nullish(),
  receivedDateTime: z.string().nullish(),
  sentDateTime: z.string().nullish(),
  isRead: z.boolean().nullish(),
  isDraft: z.boolean().nullish(),
  body: z.object({ contentType: z.string().nullish(), content: z.string().nullish() }).nullish(),
  bodyPreview: z.string().nullish(),
  hasAttachments: z.boolean().nullish(),
  parentFolderId: z.string().nullish(),
  categories: z.array(z.string()).nullish(),
  flag: z.object({ flagStatus: z.string().nullish() }).nullish(),
  importance: z.string().nullish(),
  webLink: z.string().nullish(),
});
export type DeltaMessage = z.infer<typeof deltaMessage>;

const removedEntry = z.object({ id: z.string(), "@removed": z.object({ reason: z.string().optional() }) });
const deltaPageSchema = z.object({
  value: z.array(z.unknown()),
  "@odata.nextLink": z.string().optional(),
  "@odata.deltaLink": z.string().optional(),
});

export interface DeltaPage {
  /** Created or changed messages, in their latest state. */
  messages: DeltaMessage[];
  /** Ids deleted from the folder or moved out of it. */
  removed: string[];
  /** Path of the next page, while the round has more. */
  next?: string;
  /** Path to store once this round is complete: the start of the next round. */
  deltaLink?: string;
}

/** The state Graph kept for a delta link is gone (evicted, too old): start a new initial sync. */
export class DeltaResetRequired extends Error {
  override name = "DeltaResetRequired";
}

export function initialDeltaPath(folder: FollowedFolder, options: { receivedSince?: Date } = {}): string {
  const params = new URLSearchParams({ $select: MESSAGE_FIELDS.join(",") });
  if (options.receivedSince)
    params.set("$filter", `receivedDateTime ge ${options.receivedSince.toISOString()}`);
  return `/me/mailFolders/${folder}/messages/delta?${params.toString().replaceAll("%2C", ",").replaceAll("%24", "$")}`;
}

/** Fetches one page: `path` is an initial path or a stored next/delta path. */
export async function fetchDeltaPage(
  graph: GraphClient,
  path: string,
  pageSize = MAX_PAGE_SIZE,
): Promise<DeltaPage> {
  let page: z.infer<typeof deltaPageSchema>;
  try {
    page = await graph.request(
      { path, headers: { prefer: `IdType="ImmutableId", odata.maxpagesize=${pageSize}` } },
      deltaPageSchema,
    );
  } catch (err) {
    if (
      err instanceof GraphError &&
      (err.status === 410 || /syncStateNotFound|resyncRequired/i.test(err.code))
    ) {
      throw new DeltaResetRequired(err.message);
    }
    throw err;
  }
  const messages: DeltaMessage[] = [];
  const removed: string[] = [];
  for (const item of page.value) {
    const gone = removedEntry.safeParse(item);
    if (gone.success) {
      removed.push(gone.data.id);
      continue;
    }
    const parsed = deltaMessage.safeParse(item);
    if (!parsed.success)
      throw new GraphError(200, "UnexpectedResponse", "A delta page held an item that is not a message");
    messages.push(parsed.data);
  }
  return {
    messages,
    removed,
    ...(page["@odata.nextLink"] ? { next: graph.pathOf(page["@odata.nextLink"]) } : {}),
    ...(page["@odata.deltaLink"] ? { deltaLink: graph.pathOf(page["@odata.deltaLink"]) } : {}),
  };
}
