/**
 * A fileAttachment as Graph returns it: `@odata.type`, `@odata.mediaContentType` (the large
 * attachments walkthrough's example), then the attachment-get example's properties in its order,
 * `contentLocation` null (Outlook never sets it on file attachments). With `$select`, only the
 * selected properties besides `@odata.type`, `@odata.mediaContentType` and `id`, as in the
 * walkthrough's `$select=lastModifiedDateTime,name,contentType,size,isInline` answer.
 * `@odata.mediaContentType` only where the docs show it (the attachments endpoints): the message-get
 * page documents no example of it inside `$expand=attachments`, so expanded ones go without.
 * https://learn.microsoft.com/graph/api/attachment-get, https://learn.microsoft.com/graph/outlook-large-attachments
 */
import type { StoredAttachment } from "../store/types.ts";

export function attachmentView(
  attachment: StoredAttachment,
  select: readonly string[] | null = null,
  annotateMedia = true,
): Record<string, unknown> {
  const view: Record<string, unknown> = { "@odata.type": attachment["@odata.type"] };
  if (annotateMedia) view["@odata.mediaContentType"] = attachment.contentType;
  if (select === null)
    return {
      ...view,
      id: attachment.id,
      lastModifiedDateTime: attachment.lastModifiedDateTime,
      name: attachment.name,
      contentType: attachment.contentType,
      size: attachment.size,
      isInline: attachment.isInline,
      contentId: attachment.contentId,
      contentLocation: null,
      contentBytes: attachment.contentBytes,
    };
  view.id = attachment.id;
  for (const field of select) {
    if (field === "contentLocation") view.contentLocation = null;
    else if (field !== "id") view[field] = attachment[field as keyof StoredAttachment];
  }
  return view;
}
