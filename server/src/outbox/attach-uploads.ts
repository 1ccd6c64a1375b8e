import { MAX_ATTACHMENT_BYTES } from "@mailroom/contract";
import type { OrgMember } from "../accounts/session.ts";
import type { Db } from "../db/client.ts";
import { badRequest } from "../errors.ts";
import type { OutboxAttachment } from "./schema.ts";
import { uploadsByIds } from "./upload-store.ts";

/**
 * The uploads a message names, as its attachments: each the sender's own, for the same mailbox,
 * complete; and the whole message within Outlook's 150 MB — refused here, before any draft exists.
 */
export async function attachmentsOf(
  db: Db,
  member: OrgMember,
  channelId: string,
  wanted: { uploadId: string }[],
  bodyChars: number,
): Promise<OutboxAttachment[]> {
  const ids = [...new Set(wanted.map((w) => w.uploadId))];
  const rows = await uploadsByIds(db, member.orgId, ids);
  const usable = rows.filter((r) => r.createdBy === member.userId && r.channelId === channelId);
  if (usable.length !== ids.length)
    throw badRequest("An attachment is missing", [
      { field: "attachments", message: "Upload the file again" },
    ]);
  const incomplete = usable.find((r) => r.received !== r.size);
  if (incomplete)
    throw badRequest(`${incomplete.name} has not finished uploading`, [
      { field: "attachments", message: "Wait until every file is uploaded" },
    ]);
  const total = usable.reduce((sum, r) => sum + r.size, bodyChars);
  if (total > MAX_ATTACHMENT_BYTES)
    throw badRequest("Outlook takes messages of at most 150 MB, attachments included", [
      { field: "attachments", message: "Remove or shrink attachments" },
    ]);
  return ids.map((id) => {
    const r = usable.find((u) => u.id === id)!;
    return {
      uploadId: r.id,
      name: r.name,
      contentType: r.contentType,
      size: r.size,
      isInline: r.isInline,
      contentId: r.contentId,
    };
  });
}
