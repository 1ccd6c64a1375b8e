import { z } from "zod";
import type { GraphClient } from "./graph-client.ts";
import { ATTACHMENT_FIELDS, type GraphAttachment, graphAttachment } from "./message-schema.ts";

/**
 * A message's attachments: the list (metadata only — `$select` keeps Graph from sending every
 * file's contentBytes with it) and one attachment's raw content (`/$value`).
 * https://learn.microsoft.com/graph/api/message-list-attachments
 * https://learn.microsoft.com/graph/api/attachment-get#example-6-get-the-raw-contents-of-a-file-attachment-on-a-message
 */
export function attachmentListPath(graphMessageId: string): string {
  return `/me/messages/${encodeURIComponent(graphMessageId)}/attachments?$select=${ATTACHMENT_FIELDS}`;
}

export function attachmentContentPath(graphMessageId: string, graphAttachmentId: string): string {
  return `/me/messages/${encodeURIComponent(graphMessageId)}/attachments/${encodeURIComponent(graphAttachmentId)}/$value`;
}

export const attachmentList = z.object({ value: z.array(graphAttachment) });

export async function fetchAttachmentList(
  graph: GraphClient,
  graphMessageId: string,
): Promise<GraphAttachment[]> {
  const list = await graph.request({ path: attachmentListPath(graphMessageId) }, attachmentList);
  return list.value;
}
