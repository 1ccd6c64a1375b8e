import { type AccessTokenDeps, ChannelNeedsReauth } from "../channels/access-token.ts";
import { connectedChannelGraph } from "../channels/channel-graph.ts";
import type { Logger } from "../log.ts";
import type { MessageRow } from "../mail/read-thread.ts";
import { saveAttachmentList } from "../mail/store-attachments.ts";
import type { AttachmentInfo } from "../mail/stored-json.ts";
import { fetchAttachmentList } from "../microsoft/attachments.ts";
import { GraphError } from "../microsoft/graph-client.ts";

/** Lists fetched per open conversation at most; the rest stay "not known yet". */
const MAX_LISTS_PER_OPEN = 20;

/**
 * Attachment lists normally arrive with the message (the sync stores them). A message stored
 * before that — `has_attachments` true, list still null — gets its list from Graph the first time
 * someone opens it, and the list is kept. Best effort: a disconnected channel or a Graph error
 * leaves the list unknown (null), which the UI says, and never fails the conversation.
 * https://learn.microsoft.com/graph/api/message-list-attachments
 */
export async function ensureAttachmentLists(
  deps: AccessTokenDeps & { logger?: Logger },
  rows: MessageRow[],
): Promise<MessageRow[]> {
  const missing = rows.filter((r) => r.hasAttachments && r.attachments === null).slice(0, MAX_LISTS_PER_OPEN);
  if (missing.length === 0) return rows;
  const connected = await connectedChannelGraph(deps, missing[0]!.channelId).catch(() => undefined);
  if (!connected) return rows;
  const found = new Map<string, AttachmentInfo[]>();
  await Promise.all(
    missing.map(async (row) => {
      try {
        const list = await fetchAttachmentList(connected.graph, row.graphId);
        const infos = list.map((a) => ({
          id: a.id,
          name: a.name || "attachment",
          contentType: a.contentType ?? null,
          size: a.size ?? 0,
          isInline: a.isInline ?? false,
          contentId: a.contentId ?? null,
        }));
        await saveAttachmentList(deps.db, row.id, infos);
        found.set(row.id, infos);
      } catch (err) {
        if (!(err instanceof GraphError || err instanceof ChannelNeedsReauth)) throw err;
        deps.logger?.warn(
          {
            channelId: row.channelId,
            messageId: row.id,
            code: err instanceof GraphError ? err.code : "reauth",
          },
          "attachment list unavailable",
        );
      }
    }),
  );
  return rows.map((r) => (found.has(r.id) ? { ...r, attachments: found.get(r.id)! } : r));
}
