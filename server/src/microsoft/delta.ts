import { z } from "zod";
import { type GraphClient, GraphError } from "./graph-client.ts";
import {
  ATTACHMENT_EXPAND,
  type GraphMessage,
  graphMessage,
  graphQuery,
  MAX_PAGE_SIZE,
  MESSAGE_FIELDS,
} from "./message-schema.ts";

/**
 * Delta queries on one mail folder: the initial sync (optionally only mail received since a date)
 * and the incremental rounds, one page at a time. `$select`, `$filter`, `$orderby` and `$expand`
 * go on the first request only — Graph bakes them into the links it returns.
 *
 * Initial rounds ask for `$orderby=receivedDateTime desc` (the only order message delta supports),
 * so the newest mail lands first. With a `$filter`, Graph returns at most 5,000 messages in the
 * initial round: a mailbox busier than that in the window gets its newest 5,000, and the rest is
 * the backfill's job (ADR 010). A folder is named as Graph names it: a well-known name (`inbox`,
 * `sentitems`) or its id.
 * https://learn.microsoft.com/graph/api/message-delta · https://learn.microsoft.com/graph/delta-query-messages
 */

const removedEntry = z.object({ id: z.string(), "@removed": z.object({ reason: z.string().optional() }) });
export const deltaPageSchema = z.object({
  value: z.array(z.unknown()),
  "@odata.nextLink": z.string().optional(),
  "@odata.deltaLink": z.string().optional(),
});

export interface DeltaPage {
  /** Created or changed messages, in their latest state. */
  messages: GraphMessage[];
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

export function initialDeltaPath(folder: string, options: { receivedSince?: Date } = {}): string {
  const params = new URLSearchParams({ $select: MESSAGE_FIELDS.join(",") });
  if (options.receivedSince)
    params.set("$filter", `receivedDateTime ge ${options.receivedSince.toISOString()}`);
  params.set("$orderby", "receivedDateTime desc");
  params.set("$expand", ATTACHMENT_EXPAND);
  return `/me/mailFolders/${folder}/messages/delta?${graphQuery(params)}`;
}

/**
 * How many messages the folder holds in the window — Graph's `@odata.count` on the message list,
 * one id per page so the answer stays tiny. Feeds the initial-sync progress bar.
 * https://learn.microsoft.com/graph/query-parameters#count-parameter
 */
export function windowCountPath(folder: string, receivedSince: Date): string {
  const params = new URLSearchParams({
    $filter: `receivedDateTime ge ${receivedSince.toISOString()}`,
    $count: "true",
    $top: "1",
    $select: "id",
  });
  return `/me/mailFolders/${folder}/messages?${graphQuery(params)}`;
}

export const windowCount = z.object({ "@odata.count": z.number().int().nonnegative() });

/** The Prefer header of every delta request: immutable ids and the largest page. */
export function deltaPrefer(pageSize = MAX_PAGE_SIZE): string {
  return `IdType="ImmutableId", odata.maxpagesize=${pageSize}`;
}

/** Graph dropped the delta state (410 Gone, SyncStateNotFound and its spellings). */
export function isDeltaReset(err: unknown): boolean {
  return (
    err instanceof GraphError && (err.status === 410 || /syncStateNotFound|resyncRequired/i.test(err.code))
  );
}

/** Fetches one page: `path` is an initial path or a stored next/delta path. */
export async function fetchDeltaPage(
  graph: GraphClient,
  path: string,
  pageSize = MAX_PAGE_SIZE,
): Promise<DeltaPage> {
  let page: z.infer<typeof deltaPageSchema>;
  try {
    page = await graph.request({ path, headers: { prefer: deltaPrefer(pageSize) } }, deltaPageSchema);
  } catch (err) {
    if (isDeltaReset(err)) throw new DeltaResetRequired((err as Error).message);
    throw err;
  }
  return readDeltaPage(graph, page);
}

/** A delta answer (from a GET or a `$batch` item) → messages, removals and the next position. */
export function readDeltaPage(graph: GraphClient, json: unknown): DeltaPage {
  const parsedPage = deltaPageSchema.safeParse(json);
  if (!parsedPage.success)
    throw new GraphError(200, "UnexpectedResponse", "Graph answered a delta request in an unexpected shape");
  const page = parsedPage.data;
  const messages: GraphMessage[] = [];
  const removed: string[] = [];
  for (const item of page.value) {
    const gone = removedEntry.safeParse(item);
    if (gone.success) {
      removed.push(gone.data.id);
      continue;
    }
    const parsed = graphMessage.safeParse(item);
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
