import type { ChannelGraph } from "../channels/channel-graph.ts";
import { fetchAttachmentList } from "../microsoft/attachments.ts";
import {
  addSmallAttachment,
  createUploadSession,
  INLINE_ATTACHMENT_MAX,
  putRange,
  UPLOAD_CHUNK_MAX,
  uploadStatus,
} from "../microsoft/draft-attachments.ts";
import type { OutboxDeps } from "./outbox-deps.ts";
import { type OutboxRow, updateOutbox } from "./outbox-store.ts";
import type { OutboxAttachment } from "./schema.ts";
import { readRange } from "./upload-store.ts";

/**
 * patched → attachments_uploaded: every attachment onto the draft, one at a time, each recorded
 * when done (its Graph id), and a session in progress recorded with its URL — so a resumed run
 * neither adds a file twice nor starts a large one over. Small files go in one request each
 * (every JSON request stays under Graph's ~4 MB); larger ones by upload session in 4 MB ranges.
 */
export async function uploadAttachments(
  deps: OutboxDeps,
  graph: ChannelGraph,
  row: OutboxRow,
): Promise<void> {
  const list = [...row.attachments];
  const draftId = row.graphDraftId!;
  const save = () => updateOutbox(deps.db, row.id, { attachments: list });
  // What a run that died after Graph took a file (before recording it) already put on the draft.
  const onDraft = list.some((a) => !a.graphAttachmentId) ? await fetchAttachmentList(graph, draftId) : [];
  const claimed = new Set(list.flatMap((a) => (a.graphAttachmentId ? [a.graphAttachmentId] : [])));
  for (let i = 0; i < list.length; i++) {
    const attachment = list[i]!;
    if (attachment.graphAttachmentId) continue;
    const there = onDraft.find((g) => !claimed.has(g.id) && g.name === attachment.name);
    if (there) {
      claimed.add(there.id);
      const { uploadUrl: _session, ...done } = attachment;
      list[i] = { ...done, graphAttachmentId: there.id };
    } else if (attachment.size <= INLINE_ATTACHMENT_MAX) {
      const bytes = await readRange(deps.config.dataDir, attachment.uploadId, 0, attachment.size);
      list[i] = {
        ...attachment,
        graphAttachmentId: await addSmallAttachment(graph, draftId, meta(attachment), bytes),
      };
    } else {
      list[i] = await uploadLarge(deps, graph, draftId, attachment, async (progress) => {
        list[i] = progress;
        await save();
      });
    }
    await save();
  }
}

async function uploadLarge(
  deps: OutboxDeps,
  graph: ChannelGraph,
  draftId: string,
  attachment: OutboxAttachment,
  record: (progress: OutboxAttachment) => Promise<void>,
): Promise<OutboxAttachment> {
  let uploadUrl = attachment.uploadUrl;
  let next: number | null = 0;
  if (uploadUrl) {
    // A run that died mid-upload: carry on where Outlook says, or start a new session if it's gone.
    next = (await uploadStatus(uploadUrl).catch(() => undefined as number | null | undefined)) ?? 0;
    if (next === 0) uploadUrl = undefined;
  }
  if (!uploadUrl) {
    uploadUrl = await createUploadSession(graph, draftId, meta(attachment));
    await record({ ...attachment, uploadUrl });
  }
  while (next !== null) {
    const length = Math.min(UPLOAD_CHUNK_MAX, attachment.size - next);
    const bytes = await readRange(deps.config.dataDir, attachment.uploadId, next, length);
    next = await putRange(uploadUrl, bytes, next, attachment.size);
  }
  const { uploadUrl: _done, ...rest } = attachment;
  // The session's last answer names the attachment only by URL: the draft's list has its id.
  return { ...rest, graphAttachmentId: `session:${attachment.uploadId}` };
}

function meta(a: OutboxAttachment) {
  return {
    name: a.name,
    contentType: a.contentType,
    size: a.size,
    isInline: a.isInline,
    contentId: a.contentId,
  };
}
